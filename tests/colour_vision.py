"""Colour science the palette test needs, in NumPy: relative luminance and contrast (WCAG 2.2),
simulated dichromacy (Machado, Oliveira and Fernandes 2009, severity 1.0) and CIEDE2000
(Sharma, Wu and Dalal 2005).  Checked against published reference values in test_colours.py."""
from __future__ import annotations

import numpy as np

# Machado et al. (2009), table of matrices, severity 1.0; they act on linear RGB.
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
#: Tritanopia (Machado et al. 2009, severity 1.0), kept apart from MACHADO: the optimizer palette
#: is designed and tested for the two red-green dichromacies; the palette of the other lines
#: (d2lite.style.OTHER_COLOURS) is tested for all three.
TRITANOPIA = np.array([[1.255528, -0.076749, -0.178779],
                       [-0.078411, 0.930809, 0.147602],
                       [0.004733, 0.691367, 0.303900]])
DEFICIENCIES = {**MACHADO, "tritanopia": TRITANOPIA}
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def hex_to_srgb(colour: str) -> np.ndarray:
    """'#rrggbb' as three floats in [0, 1]."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"colour must be '#rrggbb', got {colour!r}")
    return np.array([int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def to_linear(srgb: np.ndarray) -> np.ndarray:
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.2 contrast ratio of two '#rrggbb' colours (1 to 21)."""
    lum = [float(_SRGB_TO_XYZ[1] @ to_linear(hex_to_srgb(c))) for c in (colour, background)]
    hi, lo = max(lum), min(lum)
    return (hi + 0.05) / (lo + 0.05)


def simulate(srgb: np.ndarray, deficiency: str) -> np.ndarray:
    """The sRGB colour a dichromat of kind ``deficiency`` sees (Machado 2009, full severity)."""
    return to_srgb(DEFICIENCIES[deficiency] @ to_linear(srgb))


def srgb_to_lab(srgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    xyz = _SRGB_TO_XYZ @ to_linear(srgb) / _WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference of two L*a*b* colours (kL = kC = kH = 1)."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dL, dC = L2 - L1, c2p - c1p
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dH = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)
    L_bar, C_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    h_bar = h1p + h2p
    if c1p * c2p:
        if abs(h1p - h2p) <= 180:
            h_bar = h_bar / 2
        else:
            h_bar = (h_bar + 360) / 2 if h_bar < 360 else (h_bar - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(C_bar ** 7 / (C_bar ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (L_bar - 50) ** 2 / np.sqrt(20 + (L_bar - 50) ** 2)
    s_c = 1 + 0.045 * C_bar
    s_h = 1 + 0.015 * C_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((dL / s_l) ** 2 + (dC / s_c) ** 2 + (dH / s_h) ** 2
                         + r_t * (dC / s_c) * (dH / s_h)))


def seen_difference(colour1: str, colour2: str, deficiency: str) -> float:
    """CIEDE2000 between two '#rrggbb' colours as a dichromat of kind ``deficiency`` sees them."""
    labs = [srgb_to_lab(simulate(hex_to_srgb(c), deficiency)) for c in (colour1, colour2)]
    return ciede2000(*labs)
