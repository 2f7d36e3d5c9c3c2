#!/usr/bin/python3
"""The viewer as a phone user, a keyboard user and a printer see it, in headless Chromium at one window size:
the map's share of the viewport (panel collapsed), whether a popup fits, touch-target sizes, keyboard reach of the
markers and shapes, axe-core's WCAG 2.1 A/AA violations in each state (start, layer switched, popup open,
scenario panel, diagnosis on, French), and what print shows (Chromium's print media and its PDF).
Prints JSON; screenshots into --shots (NAME-WIDTHxHEIGHT.png) when asked.

usage: viewer_access.py URL --width W --height H [--shots DIR]
Needs axe-core: PyPI axe-core-python bundles axe-core 4.4 (axe-selenium-python's 2.1.6, the last for Python 3.11,
bundles 3.1 from 2018); .ci/setup installs it into .build/test-venv.
"""
import argparse, base64, json, os, time
import chromium
import axe_core_python
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait, Select

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--width", type=int, default=1400)
parser.add_argument("--height", type=int, default=900)
parser.add_argument("--shots")
args = parser.parse_args()

driver = chromium.start(args.width, args.height)
# The exact viewport, as a phone's when narrow (a headless window has a minimum width): touch, no scroll bars.
driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": args.width <= 700})
if args.width <= 700:
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
wait = WebDriverWait(driver, 180)
result = {"axe": {}}
size = f"{args.width}x{args.height}"


def shot(name):
    if args.shots:
        driver.save_screenshot(os.path.join(args.shots, f"{name}-{size}.png"))


def audit(state):
    """axe-core's WCAG 2.1 A and AA rules on the page as it is: the violations' ids and their first targets."""
    with open(os.path.join(os.path.dirname(axe_core_python.__file__), "axe.min.js"), encoding="utf-8") as f:
        driver.execute_script(f.read())
    driver.set_script_timeout(300)
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    found = driver.execute_async_script("const done = arguments[arguments.length - 1]; axe.run(document, %s).then(done, e => done({error: String(e)}));" % json.dumps(options))
    if "error" in found:
        raise RuntimeError("axe-core: " + found["error"])
    result.setdefault("axeVersion", found.get("testEngine", {}).get("version"))
    result["axe"][state] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                             "target": v["nodes"][0]["target"] if v["nodes"] else [], "summary": v["nodes"][0].get("failureSummary", "")[:300] if v["nodes"] else ""}
                            for v in found["violations"]]


def rect(selector):
    return driver.execute_script("const e = document.querySelector(arguments[0]); if (!e) return null; const r = e.getBoundingClientRect(); "
                                 "return {x: r.x, y: r.y, width: r.width, height: r.height, right: r.right, bottom: r.bottom};", selector)


def open_panel(open_it):
    """On a narrow screen the panel is a drawer behind the Controls button: open or close it."""
    toggle = driver.find_element(By.ID, "panelToggle")
    if toggle.is_displayed() and (toggle.get_attribute("aria-expanded") == "true") != open_it:
        toggle.click()
        time.sleep(0.3)


try:
    chromium.open_viewer(driver, wait, args.url)
    chromium.wait_for_tiles(driver, wait, "/tiles/day/")
    viewport = driver.execute_script("return {width: innerWidth, height: innerHeight}")
    open_panel(False)
    m = rect("#map")
    result["mapShare"] = m["width"] * m["height"] / (viewport["width"] * viewport["height"])
    shot("viewer")
    audit("start")

    # Touch targets: every visible control of the header and the map (and the panel, opened) at least 44 px high.
    open_panel(True)
    small = driver.execute_script("""
        return [...document.querySelectorAll('header button, #panel button, #panel select, #panel input, #panel summary, .leaflet-control a, .leaflet-control button, .leaflet-popup-close-button')]
          .filter(e => e.offsetParent !== null && !e.hidden)
          .map(e => { const r = (e.type === 'checkbox' || e.type === 'radio') && e.closest('label') ? e.closest('label').getBoundingClientRect() : e.getBoundingClientRect();
                      return {id: e.id || e.className || e.tagName, width: r.width, height: r.height}; })
          .filter(r => r.height < 44 || r.width < 44);""")
    result["smallTargets"] = small
    shot("panel")
    Select(driver.find_element(By.ID, "layer")).select_by_value("night")
    chromium.wait_for_tiles(driver, wait, "/tiles/night/")
    audit("layerSwitched")
    Select(driver.find_element(By.ID, "layer")).select_by_value("day")

    # Swipe: day on the left of the divider, night on its right; the divider moved by keyboard.
    Select(driver.find_element(By.ID, "compare")).select_by_value("night")
    chromium.wait_for_tiles(driver, wait, "/tiles/night/")
    open_panel(False)
    swipe = driver.find_element(By.ID, "swipe")
    swipe.send_keys(Keys.ARROW_LEFT * 10)
    result["swipe"] = driver.execute_script("""
        // What the user sees at a screen point: the topmost loaded tile under it that no clip (of its layer's
        // container or its pane, in layer coordinates) hides there; its layer's name from the tile's URL.
        const box = document.getElementById('map').getBoundingClientRect(), origin = map.containerPointToLayerPoint([0, 0]);
        const seen = (cx, cy) => {
            const layerX = origin.x + (cx - box.left);
            for (const img of [...document.querySelectorAll('img.leaflet-tile-loaded')].reverse()) {
                const r = img.getBoundingClientRect();
                if (cx < r.left || cx >= r.right || cy < r.top || cy >= r.bottom) continue;
                const hidden = [img.closest('.leaflet-layer'), img.closest('.leaflet-pane')].some(el => {
                    const m = el && /rect\\(([-\\d.]+)px,? ([-\\d.]+)px,? ([-\\d.]+)px,? ([-\\d.]+)px\\)/.exec(el.style.clip || '');
                    return m ? layerX < parseFloat(m[4]) || layerX >= parseFloat(m[2]) : false;
                });
                if (!hidden) return new URL(img.src).pathname.split('/')[2];
            }
            return null;
        };
        const divider = box.left + box.width * cmp.position / 100, y = box.top + box.height / 2;
        return {position: cmp.position, leftShows: seen(divider - box.width * 0.15, y), rightShows: seen(divider + box.width * 0.15, y), hash: location.hash};
    """)
    shot("swipe")
    open_panel(True)
    Select(driver.find_element(By.ID, "compare")).select_by_value("")

    # Where am I: the city's building outlines drawn from zoom 15, and nothing fetched from anywhere but ictu.
    driver.execute_script("map.setZoom(16)")
    wait.until(lambda d: d.execute_script("return document.querySelectorAll('path.building-outline').length") > 0)
    result["outlines"] = driver.execute_script("return document.querySelectorAll('path.building-outline').length")
    result["foreignRequests"] = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin))")
    shot("outlines")
    driver.execute_script("map.setZoom(14)")

    # Where am I: a street found by part of its name (accents and case ignored), Enter zooms to it; coordinates
    # typed lat first are understood too.
    open_panel(True)
    field = driver.find_element(By.ID, "search")
    field.clear()
    field.send_keys("montesq")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#searchResults button")) > 0)
    names = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#searchResults button")]
    field.send_keys(Keys.ENTER)
    wait.until(lambda d: d.execute_script("return !!found.hit"))
    time.sleep(0.8)
    result["search"] = driver.execute_script("""
        const b = found.hit.getBounds(), c = map.getCenter();
        return {names: arguments[0], zoom: map.getZoom(), centreInside: b.pad(0.2).contains(c), panelOpen: document.getElementById('panel').classList.contains('open')};
    """, names)
    shot("search")
    audit("searchResult")
    open_panel(True)
    field = driver.find_element(By.ID, "search")
    field.clear()
    field.send_keys("44.8259, -0.5625")
    wait.until(lambda d: any("44" in b.text for b in d.find_elements(By.CSS_SELECTOR, "#searchResults button")))
    result["search"]["coordinates"] = driver.find_element(By.CSS_SELECTOR, "#searchResults button").text
    field.clear()
    driver.execute_script("renderSearch(); if (found.hit) { map.removeLayer(found.hit); found.hit = null; } map.closePopup(); map.setZoom(14)")

    # A popup: the explanation of the map's centre, by keyboard; it must fit the viewport.
    driver.find_element(By.ID, "explainCentre").send_keys(Keys.ENTER)
    open_panel(False)
    wait.until(lambda d: any("°C" in e.text or "bâtiment" in e.text or "building" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")))
    time.sleep(0.5)
    p = rect(".leaflet-popup")
    result["viewport"] = viewport
    result["popupFits"] = p is not None and p["x"] >= 0 and p["right"] <= viewport["width"] + 0.5 and p["width"] <= viewport["width"]
    result["popup"] = p
    # Its text, not what is in view: on a phone the popup scrolls, and the line may be out of its view.
    result["coordinates"] = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content .coordinates").get_attribute("textContent")
    shot("popup")
    audit("popupOpen")
    driver.execute_script("map.closePopup()")

    # Keyboard reach: a site marker, then an island and a tree (Tab-focusable, visible focus, Enter opens the popup).
    def keyboard_open(selector, popup_selector):
        elements = driver.find_elements(By.CSS_SELECTOR, selector)
        if not elements:
            return {"count": 0}
        e = elements[0]
        focusable = e.get_attribute("tabindex") == "0" or e.tag_name in ("a", "button")
        driver.execute_script("arguments[0].focus()", e)
        # A visible focus: an outline or a shadow (HTML), a wider stroke (SVG shapes).
        outline = driver.execute_script("const s = getComputedStyle(arguments[0]); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none' || parseFloat(s.strokeWidth) >= 4;", e)
        e.send_keys(Keys.ENTER)
        try:
            wait.until(lambda d: any(x.text.strip() for x in d.find_elements(By.CSS_SELECTOR, popup_selector)))
            opened = True
        except Exception:
            opened = False
        driver.execute_script("map.closePopup()")
        time.sleep(0.5)  # Leaflet fades a closed popup out: audit once it is gone
        return {"count": len(elements), "focusable": focusable, "visibleFocus": outline, "enterOpens": opened}

    result["siteKeyboard"] = keyboard_open(".site-icon", ".leaflet-popup-content .site")
    open_panel(True)
    for name in ["heat_islands_day", "watering"]:
        toggles = driver.find_elements(By.ID, f"diag-{name}")
        if toggles:
            toggles[0].click()
    open_panel(False)
    result["islandKeyboard"] = keyboard_open("path.heat_islands_day", ".leaflet-popup-content .island")
    result["treeKeyboard"] = keyboard_open("path.tree-marker", ".leaflet-popup-content .tree")
    shot("diagnosis")
    audit("diagnosisOn")

    # The watering round: the selected trees in walking order, a tree ticked "done" still ticked after a reload.
    open_panel(True)
    driver.find_element(By.CSS_SELECTOR, "#round summary").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#roundList li"))
    first = driver.find_element(By.CSS_SELECTOR, "#roundList input[data-tree]")
    tree = first.get_attribute("data-tree")
    if not first.is_selected():
        first.click()
    audit("wateringRound")
    shot("round")
    driver.refresh()
    wait.until(lambda d: d.execute_script("return window.ictuReady === true"))
    open_panel(True)
    driver.find_element(By.CSS_SELECTOR, "#round summary").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#roundList li"))
    result["round"] = {"trees": len(driver.find_elements(By.CSS_SELECTOR, "#roundList li")), "info": driver.find_element(By.ID, "roundInfo").text,
                       "keptDone": driver.find_element(By.CSS_SELECTOR, f"#roundList input[data-tree='{tree}']").is_selected()}
    driver.find_element(By.CSS_SELECTOR, f"#roundList input[data-tree='{tree}']").click()  # leave the browser as found
    driver.find_element(By.CSS_SELECTOR, "#round summary").click()
    for name in ["heat_islands_day", "watering"]:  # the reload hid the diagnosis layers: show them again
        toggles = driver.find_elements(By.ID, f"diag-{name}")
        if toggles:
            toggles[0].click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "path.tree-marker") and d.find_elements(By.CSS_SELECTOR, "path.heat_islands_day"))

    # The scenario panel, a disabled button looking disabled.
    open_panel(True)
    driver.execute_script("document.getElementById('scenario').scrollIntoView()")
    run = driver.find_element(By.ID, "scenarioRun")
    result["disabledLooksDisabled"] = driver.execute_script("const s = getComputedStyle(arguments[0]); return arguments[0].disabled && (parseFloat(s.opacity) < 0.7 || s.cursor === 'not-allowed');", run)
    shot("scenario")
    audit("scenarioPanel")

    # French: with a site's, an island's and a tree's popup and a cell's explanation opened in turn, no English string
    # of the viewer's own table (nor a class, term or cause name the server writes in English) is left on the page,
    # and decimals have commas.
    driver.find_element(By.ID, "lang").click()
    time.sleep(0.3)
    shot("french")
    audit("french")
    english_left = set()
    decimal_points = []
    result["frenchPopupsChecked"] = 0
    find_english = r"""
        const en = [];
        const walk = (a, b) => { for (const [k, v] of Object.entries(a)) {
            if (typeof v === 'string') { if (!b || b[k] !== v) en.push(v); } else if (v && typeof v === 'object') walk(v, b && b[k]); } };
        walk(T.en, T.fr);
        en.push(...Object.keys(CLASSES_FR), ...Object.keys(TERMS_FR_BY_LABEL), ...Object.keys(CAUSES_FR), ...Object.keys(ZONES_FR));
        const text = document.body.innerText, letter = /\p{L}/u;
        // As words: "Term" inside "Terme" is French.
        const found = s => { for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) {
            if (!letter.test(text[i - 1] || ' ') && !letter.test(text[i + s.length] || ' ')) return true; } return false; };
        return en.filter(s => s.length > 3 && found(s));"""
    open_panel(False)
    for selector, popup in [(".site-icon", ".leaflet-popup-content .site"), ("path.heat_islands_day", ".leaflet-popup-content .island"),
                            ("path.tree-marker", ".leaflet-popup-content .tree"), ("#explainCentre", ".leaflet-popup-content .explain")]:
        elements = driver.find_elements(By.CSS_SELECTOR, selector)
        if not elements:
            continue
        if selector == "#explainCentre":
            driver.execute_script("explain(map.getCenter())")
        else:
            driver.execute_script("arguments[0].focus()", elements[0])
            elements[0].send_keys(Keys.ENTER)
        try:
            wait.until(lambda d: any(e.text.strip() not in ("", "…") for e in d.find_elements(By.CSS_SELECTOR, popup)))
        except Exception:
            continue
        english_left.update(driver.execute_script(find_english))
        result["frenchPopupsChecked"] += 1
        result.setdefault("frenchPopups", []).append(selector)
        text = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text
        decimal_points += [w for w in text.replace("(", " ").replace(")", " ").split() if any(c.isdigit() for c in w) and "." in w.strip(".;,:")
                           and not w.startswith("--at=") and not w.startswith("ictu")]
        driver.execute_script("map.closePopup()")
        time.sleep(0.4)
    english_left.update(driver.execute_script(find_english))
    result["englishInFrench"] = sorted(english_left)
    open_panel(True)
    english_left.update(driver.execute_script(find_english))
    result["englishInFrench"] = sorted(english_left)
    driver.find_element(By.ID, "lang").click()
    result["englishInEnglish"] = len(driver.execute_script(find_english))  # the check itself finds what it looks for
    driver.find_element(By.ID, "lang").click()
    open_panel(False)
    result["decimalPointsInFrench"] = decimal_points[:20]
    driver.find_element(By.ID, "lang").click()

    # Print: under print media, the controls hidden, the map, legend, scale, north arrow and title shown; the PDF made.
    open_panel(False)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = lambda s: driver.execute_script("const e = document.querySelector(arguments[0]); if (!e) return false; const r = e.getBoundingClientRect(); return getComputedStyle(e).display !== 'none' && getComputedStyle(e).visibility !== 'hidden' && r.width > 0 && r.height > 0;", s)
    result["print"] = {s: shown(s) for s in ["#map", "#legend", ".leaflet-control-scale", ".north-arrow", "#printTitle", "#layer", "#scenario", "#lang", ".leaflet-control-zoom"]}
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "landscape": args.width > args.height})
    result["pdfBytes"] = len(base64.b64decode(pdf["data"]))
    if args.shots:
        with open(os.path.join(args.shots, f"print-{size}.pdf"), "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        shot("print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # Export: the view as a PNG — the map's pixels as shown (the day layer's colours) over a strip with the legend.
    chromium.wait_for_tiles(driver, wait, "/tiles/day/")
    driver.set_script_timeout(120)
    exported = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        exportView().then(url => {
            const image = new Image();
            image.onload = () => {
                const c = document.createElement('canvas'); c.width = image.width; c.height = image.height;
                const g = c.getContext('2d'); g.drawImage(image, 0, 0);
                const size = map.getSize();
                // Saturated warm pixels in the map part (the day ramp's oranges and reds over the sample's 38–41 °C).
                const d = g.getImageData(0, 0, size.x, size.y).data;
                let warm = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 2] < 120) warm++;
                // The legend strip: its gradient bar is drawn (non-white pixels in the bar's rows).
                const bar = g.getImageData(10, size.y + 34, 200, 12).data;
                let coloured = 0; for (let i = 0; i < bar.length; i += 4) if (bar[i] + bar[i + 1] + bar[i + 2] < 700) coloured++;
                done({width: image.width, height: image.height, mapWidth: size.x, mapHeight: size.y, warmShare: warm / (size.x * size.y), legendPixels: coloured, bytes: url.length});
            };
            image.src = url;
        }, e => done({error: String(e)}));
    """)
    result["export"] = exported
    if args.shots and "error" not in exported:
        url = driver.execute_script("return exportView()")
        with open(os.path.join(args.shots, f"export-{size}.png"), "wb") as f:
            f.write(base64.b64decode(url.split(",", 1)[1]))
    result["console"] = [c for c in chromium.console(driver) if c["level"] == "SEVERE"]
finally:
    driver.quit()
print(json.dumps(result))
