"""Reading an image the browser has fetched."""
from playwright.sync_api import Locator

# Resolves when the <img> has finished loading or failed; a broken image reads 0.
_NATURAL_WIDTH_ONCE_SETTLED = """img => img.complete ? img.naturalWidth : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth), {once: true});
    img.addEventListener("error", () => resolve(0), {once: true});
})"""


def natural_width_once_loaded(image: Locator) -> int:
    """The width of the image's own pixels, read after its bytes have arrived.

    `to_be_visible` passes as soon as the <img> has a box (its width and height attributes
    give it one), which can be before the response is in; naturalWidth read then is 0.
    """
    return image.evaluate(_NATURAL_WIDTH_ONCE_SETTLED)
