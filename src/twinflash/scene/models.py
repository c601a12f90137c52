"""What a scene is: plain pydantic models, no Blender.

World frame (metres): x runs along the street, y across it (road centred on y=0,
positive y to the left when looking down +x), z up. Headings are degrees
counter-clockwise from +x. Every value is explicit so that a resolved scene file
reproduces the render exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

SCHEMA_VERSION: Final = 1

Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="sRGB hex colour")]


WIDE_ROAD_M = 12.0  # a carriageway this wide is an avenue or boulevard: masts, not candelabra


class _Strict(BaseModel):
    """Unknown fields are errors: a typo in a scene file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Place(_Strict):
    """A procedural Parisian street (or small square) with Haussmann buildings."""

    kind: Literal["street", "square"] = "street"
    road_width_m: float = Field(9.0, gt=2.5, le=40.0)
    sidewalk_width_m: float = Field(4.0, gt=1.0, le=15.0)
    length_m: float = Field(80.0, ge=20.0, le=400.0)
    square_size_m: float = Field(
        30.0, ge=10.0, le=120.0, description="open plaza side (square only)"
    )
    storeys_min: int = Field(5, ge=5, le=7)
    storeys_max: int = Field(7, ge=5, le=7)
    layout_seed: int = Field(0, ge=0)
    lamp_spacing_m: float = Field(20.0, ge=5.0, le=100.0)
    tree_spacing_m: float = Field(12.0, ge=4.0, le=100.0)
    trees: bool = True
    bollards: bool = True
    benches: bool = True
    zebra_crossing_x_m: float | None = Field(
        0.0, description="crossing position along x, None for none"
    )
    lamps: Literal["auto", "candelabra", "mast"] = Field(
        "auto",
        description="street lamps: ~5 m cast-iron candelabra, or 9 m masts with an arm over "
        "the road; auto = masts where the road is WIDE_ROAD_M wide or more",
    )

    @model_validator(mode="after")
    def _storeys_ordered(self) -> Place:
        if self.storeys_min > self.storeys_max:
            raise ValueError(f"storeys_min ({self.storeys_min}) > storeys_max ({self.storeys_max})")
        return self

    @property
    def half_road_m(self) -> float:
        return self.road_width_m / 2

    @property
    def lamp_kind(self) -> Literal["candelabra", "mast"]:
        """The lamps this street gets: Paris lights narrow streets with candelabra and its
        avenues and boulevards with tall masts."""
        if self.lamps != "auto":
            return self.lamps
        return "mast" if self.road_width_m >= WIDE_ROAD_M else "candelabra"

    @property
    def facade_y_m(self) -> float:
        """Distance from the street axis to the building façades."""
        return self.road_width_m / 2 + self.sidewalk_width_m


LatLon = tuple[
    Annotated[float, Field(ge=-85.0, le=85.0)], Annotated[float, Field(ge=-180.0, le=180.0)]
]
XY = tuple[float, float]
MapPointKind = Literal["tree", "street_lamp", "bench", "bollard", "bus_shelter", "crossing"]


class MapBuilding(_Strict):
    """A building footprint of the extract, in local metres, with its resolved height."""

    osm_id: str = Field(description="'w123' (way) or 'r45' (multipolygon relation)")
    footprint_m: list[XY] = Field(min_length=3, description="outer ring, counter-clockwise")
    height_m: float = Field(gt=0.0, le=400.0)
    levels: int = Field(ge=1, le=120)
    height_from: Literal["height", "building:levels", "default"]


class MapRoad(_Strict):
    """A carriageway centre line and its resolved width (lanes x lane width if untagged)."""

    osm_id: str
    highway: str
    line_m: list[XY] = Field(min_length=2)
    width_m: float = Field(gt=1.0, le=60.0)
    lanes: int = Field(ge=1, le=12)
    width_from: Literal["width", "lanes", "default"]
    oneway: bool = False


class MapPoint(_Strict):
    """A mapped point feature; heading is along the nearest road (crossings, benches)."""

    osm_id: str
    kind: MapPointKind
    x_m: float
    y_m: float
    heading_deg: float = 0.0


class OsmMap(_Strict):
    """What the extract says inside the place, projected; written by scene resolution."""

    buildings: list[MapBuilding] = []
    roads: list[MapRoad] = []
    points: list[MapPoint] = []


class OsmPlace(_Strict):
    """A real place cut from a local OpenStreetMap extract (never downloaded).

    World frame: a transverse Mercator centred on `centre`, x east, y north, metres.
    `map` is filled from the extract when the scene is resolved; a resolved scene keeps
    it, so re-rendering needs the extract no more.
    """

    kind: Literal["osm"]
    extract: str = Field(min_length=1, description=".osm (XML) or .osm.pbf file")
    centre: LatLon = Field(description="[latitude, longitude] in degrees (WGS84)")
    radius_m: float = Field(60.0, ge=10.0, le=500.0)
    layout_seed: int = Field(0, ge=0)
    storey_height_m: float = Field(
        3.0, ge=2.6, le=5.0, description="storeys above the 4 m ground floor, for building:levels"
    )
    lane_width_m: float = Field(3.0, ge=2.5, le=4.5)
    map: OsmMap | None = None


def procedural_place(place: Place | OsmPlace) -> Place:
    """The place as a procedural street or square, for builders an osm place never reaches."""
    if not isinstance(place, Place):
        raise TypeError(f"a street or square is needed here, not a {place.kind} place")
    return place


def _place_tag(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return "osm" if kind == "osm" else "street"


AnyPlace = Annotated[
    Annotated[Place, Tag("street")] | Annotated[OsmPlace, Tag("osm")],
    Discriminator(_place_tag),
]


Pose = Literal["standing", "walking", "sitting", "lying"]
LyingPose = Literal["back", "side", "face_down", "curled"]
# What a sitting person sits on: the builder's stone block (the original look), a slatted
# street bench, a bistro café chair (with its little round table), a flight of stone steps
# (feet on the step below) or the curb (feet in the gutter, when there is one).
Seat = Literal["block", "bench", "cafe_chair", "steps", "curb"]
Build = Literal["slim", "average", "heavy"]
AgeGroup = Literal["child", "adult", "elderly"]
HairStyle = Literal["short", "long", "bald", "bun", "bob", "curly"]
Outerwear = Literal["none", "jacket", "coat"]
Bottom = Literal["trousers", "shorts", "skirt", "dress"]
Sleeves = Literal["long", "short"]
Headwear = Literal["none", "cap", "hat", "beanie"]
Bag = Literal["none", "shoulder_bag", "backpack", "suitcase"]
# Things a person holds that stand on the ground next to them: only upright people do.
GROUNDED_CARRY_POSES = ("standing", "walking")


class Person(_Strict):
    x_m: float
    y_m: float
    heading_deg: float = 0.0
    pose: Pose = "standing"
    height_m: float = Field(1.72, gt=0.5, le=2.3)
    build: Build = "average"
    age_group: AgeGroup = "adult"
    skin_tone: int = Field(5, ge=1, le=10, description="Monk Skin Tone scale, 1 (lightest) to 10")
    hair_style: HairStyle = "short"
    hair_color: Color = "#2b1d14"
    top_color: Color = "#3a5f8a"
    bottom_color: Color = "#2d2d33"
    shoe_color: Color = "#1a1a1a"
    stride_phase: float = Field(0.25, ge=0.0, le=1.0, description="walk cycle phase (walking only)")
    lying_pose: LyingPose = Field(
        "back",
        description="lying only: on the back, on the side (recovery position), face down, curled",
    )
    seat: Seat = Field(
        "block",
        description="sitting only: stone block, bench, cafe_chair, steps, curb; scenery, "
        "not part of the person's annotation",
    )
    # Clothing and accessories (issue #17); the defaults are the original look.
    outerwear: Outerwear = Field("none", description="worn over the top: hip jacket, knee coat")
    outerwear_color: Color = "#4a4038"
    bottom: Bottom = Field(
        "trousers", description="shorts end above the knee; skirt and dress flare to the knee"
    )
    sleeves: Sleeves | None = Field(None, description="of the top; None: drawn (60% long)")
    headwear: Headwear = "none"
    headwear_color: Color = "#2a2a30"
    scarf: bool = False
    scarf_color: Color = "#8e1b1b"
    bag: Bag = Field("none", description="part of the person's annotation, suitcase included")
    bag_color: Color = "#3a2a1a"
    pushchair: bool = Field(
        False, description="pushed ahead; an occluder, not part of the person's annotation"
    )
    pushchair_color: Color = "#2b3a4a"

    @model_validator(mode="after")
    def _carry_needs_upright(self) -> Person:
        """A suitcase or a pushchair stands on the ground beside an upright person."""
        held = ("suitcase", self.bag == "suitcase"), ("pushchair", self.pushchair)
        grounded = [name for name, on in held if on]
        if grounded and self.pose not in GROUNDED_CARRY_POSES:
            raise ValueError(f"a {grounded[0]} needs pose standing or walking, not {self.pose!r}")
        if self.pushchair and self.bag == "suitcase":
            raise ValueError("one person cannot push a pushchair and pull a suitcase")
        return self


class Vehicle(_Strict):
    model: str = Field(description="key of the vehicle catalog, e.g. 'renault_clio_5'")
    x_m: float
    y_m: float
    heading_deg: float = 0.0
    color: Color = "#b0b4b8"
    plate_text: str | None = Field(
        None, description="SIV plate AB-123-CD; drawn at random if absent"
    )
    headlights: Literal["auto", "on", "off"] = "auto"

    @field_validator("plate_text")
    @classmethod
    def _siv_plate(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from twinflash.flash.plates import canonical_siv

        return canonical_siv(value)


WasteKind = Literal["bin_bag", "cardboard", "mattress", "furniture", "appliance", "rubble_bag"]

# Nominal size (length along the heading, depth, height in metres) and default colour.
WASTE_KINDS: dict[str, tuple[tuple[float, float, float], str]] = {
    "bin_bag": ((0.55, 0.5, 0.65), "#151515"),  # a 100 L bag, tied
    "cardboard": ((0.6, 0.45, 0.4), "#a47b4f"),  # a moving box
    "mattress": ((1.9, 0.9, 0.2), "#e8e4da"),  # a double mattress
    "furniture": ((0.8, 0.45, 1.2), "#7b5a3c"),  # a chest of drawers
    "appliance": ((0.6, 0.6, 0.85), "#f0f0ee"),  # a washing machine
    "rubble_bag": ((0.9, 0.9, 0.8), "#d9d6cc"),  # a builders' big bag of rubble
}


class Waste(_Strict):
    """An illegally dumped object on the ground ("dépôt sauvage"). A mattress
    `against_wall` stands on its long edge; `pile` groups the items of one dump."""

    kind: WasteKind
    x_m: float
    y_m: float
    heading_deg: float = Field(0.0, description="direction of the object's length")
    size: float = Field(1.0, ge=0.5, le=2.0, description="scale on the kind's nominal size")
    color: Color | None = Field(None, description="None: the kind's usual colour")
    against_wall: bool = False
    pile: int | None = Field(None, ge=0, description="items of one dump share a pile number")

    @property
    def dimensions_m(self) -> tuple[float, float, float]:
        """(length along the heading, depth, height) in metres, as it stands."""
        (length, depth, height), _ = WASTE_KINDS[self.kind]
        if self.against_wall and self.kind == "mattress":
            depth, height = height, depth  # stood on its long edge against the wall
        return (length * self.size, depth * self.size, height * self.size)


class Light(_Strict):
    date: dt.date = dt.date(2026, 6, 21)
    local_time: dt.time = dt.time(14, 0)
    timezone: str = "Europe/Paris"
    latitude_deg: float = Field(48.8566, ge=-90, le=90)
    longitude_deg: float = Field(2.3522, ge=-180, le=180)
    cloud_cover: float = Field(0.1, ge=0.0, le=1.0)
    street_azimuth_deg: float = Field(
        90.0, ge=0, lt=360, description="compass bearing of the +x street axis (90 = east)"
    )


WeatherKind = Literal["clear", "overcast", "rain", "fog", "snow"]


class Weather(_Strict):
    kind: WeatherKind = "clear"
    fog_visibility_m: float = Field(1000.0, gt=5.0, le=10000.0)
    rain_intensity: float = Field(0.6, ge=0.0, le=1.0)
    snow_cover: float = Field(0.7, ge=0.0, le=1.0)
    wetness: float = Field(0.0, ge=0.0, le=1.0, description="road wetness; rain sets it")


# speed_camera_ir: the speed camera's place and aim, a monochrome infra-red sensor and an
# infra-red flash beside the lens (the night look of French speed cameras).
CameraPreset = Literal[
    "cctv", "pedestrian", "speed_camera", "speed_camera_ir", "birds_eye", "custom"
]


class SensorEffects(_Strict):
    noise_sigma: float = Field(0.0, ge=0.0, le=50.0, description="Gaussian noise, 8-bit levels")
    motion_blur_px: float = Field(0.0, ge=0.0, le=50.0)
    motion_blur_angle_deg: float = 0.0
    jpeg_quality: int | None = Field(None, ge=5, le=100)


class Camera(_Strict):
    """A pinhole camera. Position and angles are explicit after resolution."""

    preset: CameraPreset = "custom"
    x_m: float = -20.0
    y_m: float = 0.0
    height_m: float = Field(1.6, gt=0.0, le=200.0)
    yaw_deg: float = Field(0.0, description="direction of view, CCW from +x")
    pitch_deg: float = Field(
        0.0, ge=-30.0, le=90.0, description="downward tilt; 90 looks straight down"
    )
    focal_length_mm: float = Field(35.0, gt=5.0, le=600.0)
    sensor_width_mm: float = Field(36.0, gt=1.0, le=100.0)
    resolution_wh: tuple[int, int] = (1280, 720)
    target_vehicle: int | None = Field(
        None, ge=0, description="speed_camera: index of the flashed vehicle"
    )
    distance_m: float | None = Field(
        None,
        ge=3.0,
        le=60.0,
        description="speed_camera: metres from the flashed vehicle's front (default 9)",
    )
    effects: SensorEffects = SensorEffects()
    lat_lon: LatLon | None = Field(
        None, description="osm places: mast position [lat, lon]; sets x_m, y_m"
    )
    heading_deg: float | None = Field(
        None, ge=0.0, lt=360.0, description="osm places: compass bearing of view; sets yaw_deg"
    )

    @field_validator("resolution_wh")
    @classmethod
    def _resolution(cls, value: tuple[int, int]) -> tuple[int, int]:
        w, h = value
        if not (16 <= w <= 8192 and 16 <= h <= 8192):
            raise ValueError(f"resolution_wh {value} outside 16..8192 pixels per side")
        return value


class Quality(_Strict):
    preset: Literal["draft", "final", "custom"] = "draft"
    samples: int = Field(16, ge=1, le=4096)
    denoise: bool = True


QUALITY_PRESETS: dict[str, dict[str, object]] = {
    "draft": {"samples": 16, "denoise": True},
    "final": {"samples": 64, "denoise": True},
}


class Scene(_Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = "scene"
    seed: int = Field(0, ge=0)
    place: AnyPlace = Place()
    people: list[Person] = []
    vehicles: list[Vehicle] = []
    waste: list[Waste] = []
    light: Light = Light()
    weather: Weather = Weather()
    camera: Camera = Camera()
    quality: Quality = Quality()

    def grounded(self) -> Iterator[tuple[str, int, Person | Vehicle | Waste]]:
        """(list name, index, item) of everything standing on the ground, for placement checks."""
        yield from (("people", i, item) for i, item in enumerate(self.people))
        yield from (("vehicles", i, item) for i, item in enumerate(self.vehicles))
        yield from (("waste", i, item) for i, item in enumerate(self.waste))
