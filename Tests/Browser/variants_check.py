"""Two scenario variants in the viewer, as a designer runs them: each loaded from a GeoJSON file and named, listed,
then compared two by two with the swipe (one variant's "after" left of the divider, the other's right) and the
table Before | A | B; one downloaded, one removed. Prints JSON for the Swift test.

usage: python3 variants_check.py VIEWER_URL SCENARIO_A SCENARIO_B [--lang fr] [--size WxH] [--screenshot FILE]
"""
import json
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import chromium

url, first, second = sys.argv[1], sys.argv[2], sys.argv[3]
lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
width, height = (map(int, sys.argv[sys.argv.index("--size") + 1].split("x")) if "--size" in sys.argv else (1400, 900))
driver = chromium.start(width, height)
result = {}
try:
    wait = WebDriverWait(driver, 120)
    chromium.open_viewer(driver, wait, url.rstrip("/") + f"/#lang={lang}")
    driver.execute_script("if (window.setPanel) setPanel(true)")
    for path, name in [(first, "Park with pond"), (second, "Street trees")]:
        before = len(driver.find_elements(By.CSS_SELECTOR, "#variantList li"))
        driver.find_element(By.ID, "scenarioFile").send_keys(path)
        wait.until(lambda d: d.find_element(By.ID, "scenarioRun").is_enabled())
        field = driver.find_element(By.ID, "scenarioName")
        field.clear()
        field.send_keys(name)
        driver.find_element(By.ID, "scenarioRun").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#variantList li")) == before + 1)
    result["listed"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#variantList li label")]
    shown = driver.execute_script("return sc.result.id")
    versus = Select(driver.find_element(By.ID, "variantCompare"))
    result["compareOptions"] = [o.text for o in versus.options]
    versus.select_by_index(1)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#scenarioSummary table.comparison"))
    # The summaries' last figures (cool islands, 15 h) come after the difference: the table fills in.
    result["pendingSeen"] = bool(driver.find_elements(By.CSS_SELECTOR, "#scenarioSummary .pending"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#scenarioSummary table.comparison") and not d.find_elements(By.CSS_SELECTOR, "#scenarioSummary .pending"))
    result["header"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#scenarioSummary table.comparison thead th")]
    result["rows"] = len(driver.find_elements(By.CSS_SELECTOR, "#scenarioSummary table.comparison tbody tr"))
    result["labels"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".swipe-label")]
    other = driver.execute_script("return sc.versus")
    result["left"] = chromium.wait_for_tiles(driver, wait, f"/scenario/{shown}/tiles/after/")
    result["right"] = chromium.wait_for_tiles(driver, wait, f"/scenario/{other}/tiles/after/")
    result["hash"] = driver.execute_script("return location.hash")
    if "--screenshot" in sys.argv:
        driver.save_screenshot(sys.argv[sys.argv.index("--screenshot") + 1])
    # The download link: the variant's scenario, named, as a file ictu simulate runs.
    href = driver.find_element(By.CSS_SELECTOR, "#variantList li a").get_attribute("href")
    result["download"] = json.loads(urllib.request.urlopen(href).read()).get("name")
    # Removing the one compared with: gone from the list, the comparison and the server.
    driver.find_element(By.CSS_SELECTOR, f"#variantList button.remove[data-id='{other}']").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#variantList li")) == len(result["listed"]) - 1)
    try:
        urllib.request.urlopen(url.rstrip("/") + f"/api/scenario/{other}")
        result["removedStatus"] = 200
    except urllib.error.HTTPError as e:
        result["removedStatus"] = e.code
    result["labelsAfterRemoval"] = len(driver.find_elements(By.CSS_SELECTOR, ".swipe-label"))
    result["console"] = [m for m in chromium.console(driver) if m["level"] == "SEVERE" and "404" not in m["message"]]
    print(json.dumps(result))
finally:
    driver.quit()
