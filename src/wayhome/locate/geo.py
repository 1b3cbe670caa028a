"""Distances on the Earth and checks of coordinates."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from wayhome.errors import InvalidInput

EARTH_RADIUS_KM = 6371.0088
FloatArray = npt.NDArray[np.float64]


def check_coordinates(latitude: float, longitude: float, *, location: str) -> None:
    """Raise InvalidInput naming `location` unless the coordinates are finite and in range."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise InvalidInput("coordinates must be finite numbers", location=location)
    if not -90.0 <= latitude <= 90.0:
        raise InvalidInput(f"latitude {latitude} is outside -90..90", location=location)
    if not -180.0 <= longitude <= 180.0:
        raise InvalidInput(f"longitude {longitude} is outside -180..180", location=location)


def distances_km(
    latitudes: FloatArray, longitudes: FloatArray, latitude: float, longitude: float
) -> FloatArray:
    """Return great-circle distances in km from one point to many (haversine)."""
    lat1 = np.radians(latitudes)
    lat2 = math.radians(latitude)
    dlat = lat1 - lat2
    dlon = np.radians(longitudes - longitude)
    a = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * math.cos(lat2) * np.sin(dlon / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in km between two points."""
    return float(distances_km(np.array([lat1]), np.array([lon1]), lat2, lon2)[0])


def destination(
    latitude: float, longitude: float, bearing_deg: float, km: float
) -> tuple[float, float]:
    """Return the point reached from a start by going `km` along a bearing."""
    phi1 = math.radians(latitude)
    lam1 = math.radians(longitude)
    theta = math.radians(bearing_deg)
    delta = km / EARTH_RADIUS_KM
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    lon = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return math.degrees(phi2), lon


def nearby(
    latitudes: FloatArray, longitudes: FloatArray, latitude: float, longitude: float, max_km: float
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Return the rows within `max_km` of a point and their distances (latitude band first)."""
    band = max_km / 111.0 + 1e-9
    candidates = np.flatnonzero(np.abs(latitudes - latitude) <= band)
    d = distances_km(latitudes[candidates], longitudes[candidates], latitude, longitude)
    close = d <= max_km
    return candidates[close], d[close]
