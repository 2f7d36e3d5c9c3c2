"""The viewer showing a run's PMTiles archives (#archives=run): tiles read by range requests from /export/, drawn
pixel for pixel as the exported XYZ PNG of the same z/x/y, and nothing asked of the tile renderer.

Prints JSON: the tiles compared, those that differ, the requests made, and the status line the viewer shows.
usage: python3 archive_check.py VIEWER_URL [--screenshot FILE]
"""
import json
import sys

from selenium.webdriver.support.ui import WebDriverWait

import chromium

url = sys.argv[1]
driver = chromium.start(1280, 860)
try:
    wait = WebDriverWait(driver, 60)
    chromium.open_viewer(driver, wait, url.rstrip("/") + "/#archives=run&layer=day&lang=en")
    loaded = lambda d: d.execute_script("""
        const tiles = Object.values(overlay._tiles || {});
        return overlay.fromArchive && tiles.length > 0 && tiles.every(t => t.loaded) && tiles.some(t => t.el.src.startsWith('blob:') || t.el.naturalWidth === 256);
    """)
    wait.until(loaded)
    compared = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const pixels = img => { const c = document.createElement('canvas'); c.width = 256; c.height = 256;
                                const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, 256, 256).data; };
        const tiles = Object.values(overlay._tiles).filter(t => t.loaded && t.el.naturalWidth === 256);
        Promise.all(tiles.map(t => new Promise(resolve => {
            const { x, y, z } = t.coords;
            const reference = new Image();
            reference.onload = () => {
                const a = pixels(t.el), b = pixels(reference);
                let differing = 0;
                for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
                resolve({ tile: `${z}/${x}/${y}`, differing });
            };
            reference.onerror = () => resolve({ tile: `${z}/${x}/${y}`, differing: -1 });
            reference.src = `/export/day/${z}/${x}/${y}.png`;
        }))).then(done);
    """)
    requests = [e for e in driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")]
    status = driver.execute_script("const s = document.getElementById('tileSource'); return {hidden: s.hidden, text: s.textContent, warning: s.classList.contains('warning')};")
    if "--screenshot" in sys.argv:
        driver.save_screenshot(sys.argv[sys.argv.index("--screenshot") + 1])
    print(json.dumps({
        "compared": len(compared),
        "differing": [c for c in compared if c["differing"] != 0],
        "archiveRequests": sum(1 for r in requests if "/export/day.pmtiles" in r),
        "rendererRequests": sum(1 for r in requests if "/tiles/day/" in r),
        "status": status,
        "console": [m for m in chromium.console(driver) if m["level"] == "SEVERE"],
    }))
finally:
    driver.quit()
