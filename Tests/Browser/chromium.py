"""Shared by the browser checks: Debian's headless Chromium through Selenium, and what a map's tiles show."""
import atexit, shutil, tempfile
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start(width=1280, height=860):
    """A headless Chromium that keeps the page's console messages."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    # A profile of our own, removed at exit (Chromium leaves its default temporary profiles behind).
    profile = tempfile.mkdtemp(prefix="ictu-chromium-")
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def tiles_state(driver, prefix):
    """Loaded Leaflet tiles whose URL path starts with prefix: how many, their non-transparent pixels (drawn on a
    canvas), and among them the clearly blue and clearly red ones (cooler / warmer on a difference ramp); pending:
    the layer's tiles asked for and not loaded yet."""
    return driver.execute_script("""
        const prefix = arguments[0];
        const all = [...document.querySelectorAll('img.leaflet-tile')].filter(i => i.src && new URL(i.src).pathname.startsWith(prefix));
        const tiles = all.filter(i => i.classList.contains('leaflet-tile-loaded'));
        let opaque = 0, blue = 0, red = 0;
        for (const img of tiles) {
            const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] === 0) continue;
                opaque++;
                if (d[i + 2] > d[i] + 40) blue++;
                if (d[i] > d[i + 2] + 40) red++;
            }
        }
        return {tiles: tiles.length, pending: all.length - tiles.length, opaque: opaque, blue: blue, red: red};
    """, prefix)


def wait_for_tiles(driver, wait, prefix):
    """Waits until the layer's tiles are all loaded (none pending, some drawn) and returns their state. Waiting for
    the first tile only would count a partly drawn view on a loaded machine."""
    wait.until(lambda d: (lambda s: s["tiles"] > 0 and s["pending"] == 0 and s["opaque"] > 0)(tiles_state(d, prefix)))
    return tiles_state(driver, prefix)


def console(driver):
    return [{"level": e["level"], "message": e["message"]} for e in driver.get_log("browser")]


def open_viewer(driver, wait, url):
    """Loads the viewer page and waits until it says it is ready (window.ictuReady)."""
    driver.set_page_load_timeout(60)
    driver.get(url)
    wait.until(lambda d: d.execute_script("return window.ictuReady === true"))
