#!/usr/bin/python3
"""Drives the ICTU viewer in headless Chromium (Debian's chromium + chromium-driver, through Selenium) and
prints JSON of what a user would see: tiles drawn (and how many of their pixels are not transparent),
the layer switch, a click's explanation, the legend, the French labels, the URL hash, the console.

usage: viewer_check.py URL [--screenshot PNG]
"""
import argparse, json, time
import chromium
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait, Select

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--screenshot")
args = parser.parse_args()

driver = chromium.start(1280, 860)
# Generous: CI runs this while the rest of the suite computes on the same 2 cores.
wait = WebDriverWait(driver, 180)
result = {}

try:
    chromium.open_viewer(driver, wait, args.url)
    result["day"] = chromium.wait_for_tiles(driver, wait, "/tiles/day/")
    result["legend"] = driver.find_element(By.ID, "legend").text
    result["sites"] = len(driver.find_elements(By.CSS_SELECTOR, ".site-icon"))
    result["scale"] = driver.find_element(By.CSS_SELECTOR, ".leaflet-control-scale").text

    # Switch layer with the select, as a user would.
    Select(driver.find_element(By.ID, "layer")).select_by_value("night")
    result["night"] = chromium.wait_for_tiles(driver, wait, "/tiles/night/")
    result["hashAfterSwitch"] = driver.execute_script("return location.hash")

    # Click the map's centre: the cell's explanation.
    # (A click on a building gets "no value": try a few places near the centre, as a user would.)
    for dx, dy in [(0, 0), (37, 21), (-53, 44), (71, -36), (-90, -70), (120, 90)]:
        ActionChains(driver).move_to_element_with_offset(driver.find_element(By.ID, "map"), dx, dy).click().perform()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .explain"))
        time.sleep(0.3)
        if "°C" in driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text:
            break
    popup = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
    result["explanation"] = popup.text
    result["explanationTerms"] = len(driver.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content tr.term"))

    # Keyboard: focus the "explain the centre" button and press Enter.
    button = driver.find_element(By.ID, "explainCentre")
    button.send_keys("\n")
    # The answer comes from the server: wait for it (a loaded machine can take seconds).
    try:
        wait.until(lambda d: any("°C" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")))
        result["keyboardExplanation"] = True
    except Exception:
        result["keyboardExplanation"] = False

    # French.
    driver.find_element(By.ID, "lang").click()
    result["frenchLayerLabel"] = driver.find_element(By.CSS_SELECTOR, "label[for=layer]").text
    result["frenchHtmlLang"] = driver.execute_script("return document.documentElement.lang")
    driver.find_element(By.ID, "lang").click()

    def show_layer(toggle_id, shape_selector, popup_selector):
        """Ticks a vector layer's box, counts its shapes and opens the first one's popup: (count, popup text)."""
        toggles = driver.find_elements(By.ID, toggle_id)
        if not toggles:
            return 0, ""
        driver.execute_script("map.closePopup()")
        toggles[0].click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, shape_selector))
        shapes = driver.find_elements(By.CSS_SELECTOR, shape_selector)
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[0].getBoundingClientRect().x + 3, clientY: arguments[0].getBoundingClientRect().y + 3}))", shapes[0])
        # The popup's content is built when it opens: wait until it is there and shown (its text is empty until then).
        wait.until(lambda d: any(e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, popup_selector)))
        return len(shapes), next(e.text for e in driver.find_elements(By.CSS_SELECTOR, popup_selector) if e.text.strip())

    # Diagnosis layers and watering priorities, when the run has them: drawn, and a popup opened.
    result["heatIslands"], result["islandPopup"] = show_layer("diag-heat_islands_day", "path.heat_islands_day", ".leaflet-popup-content .island")
    result["trees"], result["treePopup"] = show_layer("diag-watering", "path.tree-marker", ".leaflet-popup-content .tree")

    if args.screenshot:
        Select(driver.find_element(By.ID, "layer")).select_by_value("day")
        chromium.wait_for_tiles(driver, wait, "/tiles/day/")
        driver.save_screenshot(args.screenshot)
    result["console"] = chromium.console(driver)
finally:
    driver.quit()
print(json.dumps(result))
