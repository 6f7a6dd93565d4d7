"""Reports and the index on a phone, a tablet and a desktop (issue 16): no sideways page scroll,
every chart inside the viewport, every table either fitting or scrolling inside its own box."""
from __future__ import annotations

import pytest

WIDTHS = (390, 768, 1280)
# For each img and table: its right edge, and that of its nearest ancestor that scrolls sideways.
MEASURE = """() => [...document.querySelectorAll('img, table')].map(e => {
    let p = e.parentElement, box = null;
    while (p) { const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll') { box = p.getBoundingClientRect().right; break; }
                p = p.parentElement; }
    return [e.tagName, e.getBoundingClientRect().right, box]; })"""


@pytest.mark.browser
def test_every_chart_and_table_fits_the_viewport(planted_batch, chromium, tally):
    pages = [p for p in planted_batch.shared if p.exists()]
    assert any(p.name == "index.html" for p in pages) and len(pages) >= 2
    for path in pages:
        for width in WIDTHS:
            page = chromium.new_page(viewport={"width": width, "height": 900})
            page.goto(path.as_uri(), wait_until="load")
            # One pixel of sub-pixel rounding is not a scroll a reader can make.
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (path.name, width)
            measured = page.evaluate(MEASURE)
            images = [m for m in measured if m[0] == "IMG"]
            assert path.name == "index.html" or images, path.name
            for tag, right, box in measured:
                if tag == "IMG":
                    assert right <= width + 0.5, (path.name, width, right)
                else:
                    assert right <= width + 0.5 or (box is not None and box <= width + 0.5), (path.name, width)
            tally["responsive: pages checked at 390, 768 and 1280 px"] += 1
            page.close()
