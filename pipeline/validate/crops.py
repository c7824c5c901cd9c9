"""Page crops for the report: each case's record boxed on an image of its PDF page,
rendered with pdfium (here, or by the caller's page readers while the datasets are written)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pipeline.extract.readers import PageReaders

CROP_MARGIN = 36.0  # points of context around a highlighted record
CROP_SCALE = 1.4  # pixels per point of the page crops
MAX_CROP_HEIGHT = 240.0  # points: a crop shows at most this much below the record's top
MAX_CROPS = 300  # beyond this many cases the report lists pages without crops
BOX_PAD = 3.0  # points between the record's text and the box drawn around it
CropKey = tuple[int, tuple[float, ...]]  # (physical page, bbox)


Headers = dict[int, list[tuple[float, ...]]]  # physical page → its tables' header boxes


def render_crops(
    pdf: Path | None, cases: Iterable[dict], headers: Headers | None = None
) -> dict[CropKey, str]:
    """PNG data URIs of the page region around each case's bbox, highlighted; a row of a
    table (the program list, an index) with its table's header strip above it."""
    return render_regions(pdf, crop_keys(cases), headers)


def headers_of(report: dict) -> Headers:
    """The table headers a report records (JSON keys are strings)."""
    stored = report.get("table_headers") or {}
    return {int(page): [tuple(b) for b in boxes] for page, boxes in stored.items()}


def crop_keys(cases: Iterable[dict]) -> list[CropKey]:
    """The regions the report shows: one per distinct (page, bbox), at most MAX_CROPS."""
    wanted: dict[CropKey, None] = {}
    for c in cases:
        for place in (c, c.get("other") or {}):  # a disagreement's second place too
            key = place_key(place)
            if key is not None:
                wanted.setdefault(key, None)
    return list(wanted)[:MAX_CROPS]


def place_key(place: dict) -> CropKey | None:
    """The crop of a case's place (its page and box), if it has one."""
    if place.get("page") and place.get("bbox"):
        return (place["page"], tuple(place["bbox"]))
    return None


def render_regions(
    pdf: Path | None, wanted: Sequence[CropKey], headers: Headers | None = None
) -> dict[CropKey, str]:
    """PNG data URIs of the given regions, each highlighted (see render_crops). Crops
    illustrate cases: a page the renderer refuses (a damaged /Root, an inverted box)
    has none, and the report is written without them."""
    if pdf is None or not Path(pdf).is_file() or not wanted:
        return {}
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(pdf))
    except (pdfium.PdfiumError, OSError, ValueError):
        return {}
    out: dict[CropKey, str] = {}
    try:
        by_page: dict[int, list[tuple]] = {}
        for key in wanted:
            by_page.setdefault(key[0], []).append(key)
        for page_no, keys in sorted(by_page.items()):
            if not 1 <= page_no <= len(doc):
                continue
            try:
                page = doc[page_no - 1]
                for key in keys:
                    crop = _crop(page, key, _header_above(key, (headers or {}).get(page_no, [])))
                    if crop is not None:
                        out[key] = crop
                page.close()
            except (pdfium.PdfiumError, OSError, ValueError):
                continue
    finally:
        doc.close()
    return out


def _header_above(key: CropKey, boxes: list[tuple[float, ...]]) -> tuple[float, ...] | None:
    """The header of the table a record's box is a row of: the nearest header box above
    it that spans it horizontally."""
    x0, top, x1, _ = key[1]
    above = [b for b in boxes if b[3] <= top + 1 and b[0] <= x0 + 1 and b[2] >= x1 - 1]
    return max(above, key=lambda b: b[3], default=None)


def _crop(page, key: CropKey, header: tuple[float, ...] | None = None) -> str | None:  # noqa: ANN001 - a pypdfium2 page
    from PIL import Image, ImageDraw

    width, height = page.get_size()
    x0, top, x1, bottom = key[1]
    # A whole card is tall: show its top, where the reviewer starts reading.
    region = (
        max(0.0, x0 - CROP_MARGIN),
        max(0.0, top - CROP_MARGIN),
        min(width, x1 + CROP_MARGIN),
        min(height, bottom + CROP_MARGIN, top + MAX_CROP_HEIGHT),
    )
    if region[2] - region[0] < 1 or region[3] - region[1] < 1:
        return None  # a box outside the page (an inverted or shifted page box)
    image = _render(page, region, height)
    draw = ImageDraw.Draw(image)
    # Padded: a box drawn on the glyphs' edges strikes through the first character.
    box = [
        (x0 - region[0] - BOX_PAD) * CROP_SCALE,
        (top - region[1] - BOX_PAD) * CROP_SCALE,
        (x1 - region[0] + BOX_PAD) * CROP_SCALE,
        (bottom - region[1] + BOX_PAD) * CROP_SCALE,
    ]
    draw.rectangle(box, outline=(220, 30, 30), width=3)
    if header is not None and header[1] < region[1]:
        # The columns are unlabelled without it: the header strip, stacked over the row.
        strip = _render(page, (region[0], header[1], region[2], min(header[3], region[1])), height)
        stacked = Image.new("RGB", (image.width, strip.height + 4 + image.height), (170, 170, 180))
        stacked.paste(strip, (0, 0))
        stacked.paste(image, (0, strip.height + 4))
        image = stacked
    buf = io.BytesIO()
    # Light compression: the crops are a few hundred KB at most, and the default
    # level spent more time here than all the validation checks.
    image.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _render(page, region: tuple[float, ...], height: float):  # noqa: ANN001, ANN202
    """A region of the page as an RGB image: pdfium renders only the region (its crop
    gives the margins cut from each side)."""
    width = page.get_size()[0]
    return (
        page.render(
            scale=CROP_SCALE,
            crop=(region[0], height - region[3], width - region[2], region[1]),
        )
        .to_pil()
        .convert("RGB")
    )


# Fewer crops than this per job render here: a few milliseconds each, not worth a hand-off.
MIN_CROPS_PER_JOB = 4


def start_crops(pdf: Path, report: dict, readers: PageReaders) -> Callable[[], dict]:
    """Start rendering the report's page crops; call the result to have them.

    With several jobs the readers' workers render them (split by page) while this
    process writes the datasets; a pool that broke meanwhile is not worth failing a
    run over: the crops are then rendered here.
    """
    keys = crop_keys([case for check in report["checks"] for case in check["cases"]])
    headers = headers_of(report)
    jobs = readers.jobs
    if jobs <= 1 or len(keys) < MIN_CROPS_PER_JOB * jobs:
        return lambda: render_regions(pdf, keys, headers)
    by_page: dict[int, list] = {}
    for key in keys:
        by_page.setdefault(key[0], []).append(key)
    parts: list[list] = [[] for _ in range(jobs)]
    for page_keys in sorted(by_page.values(), key=len, reverse=True):
        min(parts, key=len).extend(page_keys)
    try:
        futures = [readers.submit(render_regions, pdf, part, headers) for part in parts if part]
    except BrokenProcessPool:
        readers.close()
        return lambda: render_regions(pdf, keys, headers)

    def collect() -> dict:
        crops: dict = {}
        try:
            for future in futures:
                crops.update(future.result())
        except BrokenProcessPool:
            readers.close()
            return render_regions(pdf, keys, headers)
        return crops

    return collect
