"""The grado de avance chart, drawn by the server as SVG (no JavaScript, no external service).

Only presentation attributes are used (no inline ``style``), so the site's CSP allows it.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

from .avance import PuntoHistorico

# The legend sits in its own band below the axis labels (it used to overlap them).
W, H = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 64, 16, 64


def _x(d: date, start: date, end: date) -> float:
    span = max((end - start).days, 1)
    return LEFT + (W - LEFT - RIGHT) * (d - start).days / span


def _y(value: float) -> float:
    return TOP + (H - TOP - BOTTOM) * (1 - value / 100)


def render_chart(
    points: list[PuntoHistorico], *, title: str, desc: str, computed_label: str, reported_label: str
) -> SafeString:
    """An accessible SVG line chart: computed history as a line, reported values as diamonds."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="avance-title avance-desc" width="100%">',
        f'<title id="avance-title">{escape(title)}</title>',
        f'<desc id="avance-desc">{escape(desc)}</desc>',
    ]
    for pct in (0, 25, 50, 75, 100):
        y = _y(pct)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#ccc" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{pct}%</text>'
        )
    if points:
        start, end = points[0].date, points[-1].date
        if start == end:
            start = date(start.year - 1, start.month, min(start.day, 28))
        for d, anchor in ((start, "start"), (end, "end")):
            parts.append(
                f'<text x="{_x(d, start, end):.1f}" y="{H - BOTTOM + 18}" text-anchor="{anchor}" '
                f'font-size="11" fill="#333">{d.strftime("%d/%m/%Y")}</text>'
            )
        for year in range(start.year + 1, end.year + 1):
            x = _x(date(year, 1, 1), start, end)
            if LEFT + 60 < x < W - RIGHT - 60:
                parts.append(
                    f'<line x1="{x:.1f}" y1="{H - BOTTOM}" x2="{x:.1f}" y2="{H - BOTTOM + 5}" '
                    'stroke="#333" stroke-width="1"/>'
                )
                parts.append(
                    f'<text x="{x:.1f}" y="{H - BOTTOM + 18}" text-anchor="middle" '
                    f'font-size="11" fill="#333">{year}</text>'
                )
        computed = [p for p in points if not p.reported]
        if computed:
            coords = " ".join(
                f"{_x(p.date, start, end):.1f},{_y(float(p.value)):.1f}" for p in computed
            )
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="#00529b" stroke-width="2"/>'
            )
            for p in computed:
                parts.append(
                    f'<circle cx="{_x(p.date, start, end):.1f}" cy="{_y(float(p.value)):.1f}" '
                    'r="3" fill="#00529b"/>'
                )
            # The latest computed point carries its value (the figure a reader looks for).
            last = computed[-1]
            lx, ly_ = _x(last.date, start, end), _y(float(last.value))
            parts.append(
                f'<text x="{lx + 6:.1f}" y="{ly_ - 6:.1f}" font-size="11" font-weight="bold" '
                f'fill="#00529b">{number_format(last.value, 2)}%</text>'
            )
        for p in points:
            if not p.reported:
                continue
            x, y = _x(p.date, start, end), _y(float(p.value))
            parts.append(
                f'<path d="M{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} '
                f'L{x - 7:.1f},{y:.1f} Z" fill="#c8102e"/>'
            )
            parts.append(
                f'<text x="{x + 10:.1f}" y="{y - 8:.1f}" font-size="11" fill="#c8102e">'
                f"{escape(reported_label)} {number_format(p.value, 2)}%</text>"
            )
    ly = H - 12
    parts.append(f'<circle cx="{LEFT + 6}" cy="{ly - 4}" r="4" fill="#00529b"/>')
    parts.append(
        f'<text x="{LEFT + 16}" y="{ly}" font-size="11" fill="#333">{escape(computed_label)}</text>'
    )
    rx = LEFT + 220
    parts.append(
        f'<path d="M{rx},{ly - 10} L{rx + 6},{ly - 4} L{rx},{ly + 2} L{rx - 6},{ly - 4} Z" '
        'fill="#c8102e"/>'
    )
    parts.append(
        f'<text x="{rx + 12}" y="{ly}" font-size="11" fill="#333">{escape(reported_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
