#!/usr/bin/python3
"""Opens a page in headless Chromium (Debian's chromium + chromium-driver, through Selenium) and prints JSON:
the browser console's messages, every <img>/<svg image> decoded or not, the counts of the CSS selectors
asked for, and the page's scroll width against the window's. Optional screenshot. Used by the Swift tests: the checks are done by a real browser.

usage: open_page.py URL [--screenshot PNG] [--count SELECTOR ...] [--width W] [--height H]
"""
import argparse, json, sys
import chromium

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--screenshot")
parser.add_argument("--count", nargs="*", default=[])
parser.add_argument("--width", type=int, default=1200)
parser.add_argument("--height", type=int, default=900)
args = parser.parse_args()

driver = chromium.start(args.width, args.height)
try:
    # The command line's window size has a floor (≈ 500 px in headless Chromium); resizing sets a phone's width.
    driver.set_window_size(args.width, args.height)
    driver.set_page_load_timeout(60)
    driver.get(args.url)
    # Decode every inlined or linked image: <img> and SVG <image>.
    images = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const sources = [...document.querySelectorAll('img')].map(i => i.src)
            .concat([...document.querySelectorAll('image')].map(i => i.getAttribute('href') || i.getAttribute('xlink:href')));
        Promise.all(sources.map(src => { const im = new Image(); im.src = src;
            return im.decode().then(() => ({ok: true, width: im.naturalWidth, height: im.naturalHeight}), () => ({ok: false})); }))
          .then(done);
    """)
    counts = {s: len(driver.find_elements("css selector", s)) for s in args.count}
    if args.screenshot:
        driver.save_screenshot(args.screenshot)
    console = chromium.console(driver)
    widths = driver.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    print(json.dumps({"title": driver.title, "console": console, "images": images, "counts": counts,
                      "pageWidth": widths[0], "viewportWidth": widths[1]}))
finally:
    driver.quit()
