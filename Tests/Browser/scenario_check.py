#!/usr/bin/python3
"""Drives the viewer's scenario panel in headless Chromium (Debian's chromium + chromium-driver, Selenium), as a
designer would: draws a park polygon by clicking the map, runs it, switches to the difference and reads the summary;
then loads a scenario file with a mistake and reads the error. Prints JSON for the Swift test to check.

usage: scenario_check.py URL BAD_SCENARIO_FILE
"""
import argparse, json, time
import chromium
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait, Select

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("bad_file")
parser.add_argument("--screenshot", help="PNG of the viewer showing the difference")
args = parser.parse_args()

driver = chromium.start(1280, 900)
wait = WebDriverWait(driver, 180)
result = {}

try:
    chromium.open_viewer(driver, wait, args.url)
    # A new park: choose the kind and its age, draw four corners around the centre, finish, run.
    Select(driver.find_element(By.ID, "scenarioKind")).select_by_value("park")
    value = driver.find_element(By.ID, "scenarioValue")
    value.clear(); value.send_keys("30")
    driver.find_element(By.ID, "scenarioDraw").click()
    map_element = driver.find_element(By.ID, "map")
    for dx, dy in [(-40, -30), (40, -30), (40, 30), (-40, 30)]:
        ActionChains(driver).move_to_element_with_offset(map_element, dx, dy).click().perform()
        time.sleep(0.2)
    result["popupsWhileDrawing"] = len(driver.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .explain"))
    driver.find_element(By.ID, "scenarioFinish").click()
    result["readyStatus"] = driver.find_element(By.ID, "scenarioStatus").text
    driver.find_element(By.ID, "scenarioRun").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#scenarioSummary tr.zone"))
    result["status"] = driver.find_element(By.ID, "scenarioStatus").text
    result["summary"] = driver.find_element(By.ID, "scenarioSummary").text
    # Its last figures (cool islands, 15 h) follow the difference: the summary completes itself.
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#scenarioSummary .pending"))
    result["completeSummary"] = driver.find_element(By.ID, "scenarioSummary").text
    # The difference is shown first: its tiles come from the scenario.
    result["delta"] = chromium.wait_for_tiles(driver, wait, "/scenario/")
    result["legend"] = driver.find_element(By.ID, "legend").text
    if args.screenshot:
        driver.execute_script("document.getElementById('scenarioSummary').scrollIntoView(false)")
        time.sleep(0.5)
        driver.save_screenshot(args.screenshot)
    # Before: the run's own day tiles.
    driver.find_element(By.CSS_SELECTOR, "input[name=scenarioView][value=before]").click()
    result["before"] = chromium.wait_for_tiles(driver, wait, "/tiles/day/")
    # After.
    driver.find_element(By.CSS_SELECTOR, "input[name=scenarioView][value=after]").click()
    wait.until(lambda d: any("/tiles/after/" in i.get_attribute("src") for i in d.find_elements(By.CSS_SELECTOR, "img.leaflet-tile-loaded")))
    result["afterShown"] = True
    # A click in the new park explains the scenario's cell: before, after and the change, term by term.
    ActionChains(driver).move_to_element_with_offset(map_element, 5, 5).click().perform()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .scenario-explain table"))
    rows = driver.find_elements(By.CSS_SELECTOR, ".scenario-explain tbody tr")
    result["scenarioClick"] = {"text": driver.find_element(By.CSS_SELECTOR, ".scenario-explain").text,
                               "terms": len(driver.find_elements(By.CSS_SELECTOR, ".scenario-explain tr.term")),
                               "sumChange": float(rows[-1].find_elements(By.TAG_NAME, "td")[-1].text.replace("+", "").replace("−", "-"))}
    driver.execute_script("map.closePopup()")
    # Swipe before | after: the run's day tiles on the left of the divider, the scenario's after tiles on its right.
    driver.find_element(By.CSS_SELECTOR, "input[name=scenarioView][value=swipe]").click()
    wait.until(lambda d: any("/tiles/after/" in i.get_attribute("src") for i in d.find_elements(By.CSS_SELECTOR, ".leaflet-compare-pane img.leaflet-tile-loaded")))
    result["swipeLabels"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".swipe-label")]
    # The view is a link: opened afresh, it shows the same scenario (while the server holds it), in the same view.
    driver.find_element(By.CSS_SELECTOR, "input[name=scenarioView][value=delta]").click()
    shared = driver.execute_script("return location.href")
    driver.get("about:blank")
    chromium.open_viewer(driver, wait, shared)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#scenarioSummary tr.zone"))
    result["sharedView"] = {"hash": shared.split("#", 1)[-1], "view": driver.execute_script("return document.querySelector('input[name=scenarioView]:checked').value"),
                            "delta": chromium.wait_for_tiles(driver, wait, "/scenario/")}

    result["console"] = chromium.console(driver)

    # A scenario file with a mistake: the server's message (a 400, which the browser logs) reaches the user.
    driver.find_element(By.ID, "scenarioClear").click()
    driver.find_element(By.ID, "scenarioFile").send_keys(args.bad_file)
    wait.until(lambda d: not d.find_element(By.ID, "scenarioRun").get_attribute("disabled"))
    driver.find_element(By.ID, "scenarioRun").click()
    wait.until(lambda d: "error" in (d.find_element(By.ID, "scenarioStatus").get_attribute("class") or ""))
    result["badFileError"] = driver.find_element(By.ID, "scenarioStatus").text
finally:
    driver.quit()
print(json.dumps(result))
