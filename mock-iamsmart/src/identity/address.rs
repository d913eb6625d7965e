//! Addresses in the Hong Kong structured address schema that e-ME uses (PROTOCOL §3.1): exactly one of
//! `ChiPremisesAddress`, `EngPremisesAddress` or `FreeFormatAddress` (a postal address may instead be a
//! `PostBoxAddress`), with the premises' region, district and sub-district, estate and phase, street and
//! building number, block, floor, unit and building name.
//!
//! Key names follow the schema as the official .NET sample and a Java client that runs against the real
//! test environment read it; where they disagree (the sample's `EngFloor.Floor` against the client's
//! `EngFloor.FloorNum`) the client's is used [I]. Regions, the eighteen districts, their areas and the
//! streets are real; estate and building names are invented, so no generated address is a real flat.
//! This module must never log an address.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::seed::Draw;
use super::validate::FieldProblem;

// ---------------------------------------------------------------------------------------------------
// Wire types.

/// `EngBlock` / `ChiBlock`: `BLOCK 3`, `3座`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Block {
    #[serde(
        rename = "BlockDescriptor",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub descriptor: Option<String>,
    #[serde(rename = "BlockNo", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub number: Option<String>,
}

/// `EngPhase` / `ChiPhase`: `PHASE 2`, `第二期`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Phase {
    #[serde(rename = "PhaseName", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<String>,
    #[serde(rename = "PhaseNo", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub number: Option<String>,
}

/// `EngFloor` / `ChiFloor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Floor {
    #[serde(rename = "FloorNum", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub number: Option<String>,
}

/// `EngUnit` / `ChiUnit`: `FLAT A`, `A室`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Unit {
    #[serde(
        rename = "UnitDescriptor",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub descriptor: Option<String>,
    #[serde(rename = "UnitNo", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub number: Option<String>,
}

/// `EngStreet` / `ChiStreet`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Street {
    #[serde(
        rename = "StreetName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<String>,
    #[serde(
        rename = "BuildingNoFrom",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub building_number_from: Option<String>,
    #[serde(
        rename = "BuildingNoTo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub building_number_to: Option<String>,
}

/// `EngDistrict` / `ChiDistrict`: the District Council district and the area within it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct District {
    #[serde(
        rename = "DcDistrict",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub dc_district: Option<String>,
    #[serde(
        rename = "Sub-district",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub sub_district: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EngEstate {
    #[serde(
        rename = "EstateName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<String>,
    #[serde(rename = "EngPhase", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub phase: Option<Phase>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChiEstate {
    #[serde(
        rename = "EstateName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub name: Option<String>,
    #[serde(rename = "ChiPhase", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub phase: Option<Phase>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Eng3dAddress {
    #[serde(rename = "EngFloor", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub floor: Option<Floor>,
    #[serde(rename = "EngUnit", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub unit: Option<Unit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Chi3dAddress {
    #[serde(rename = "ChiFloor", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub floor: Option<Floor>,
    #[serde(rename = "ChiUnit", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub unit: Option<Unit>,
}

/// A Hong Kong address written in English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EngPremisesAddress {
    #[serde(
        rename = "Eng3dAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub three_d: Option<Eng3dAddress>,
    #[serde(rename = "EngBlock", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub block: Option<Block>,
    #[serde(
        rename = "BuildingName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub building_name: Option<String>,
    #[serde(rename = "EngEstate", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub estate: Option<EngEstate>,
    #[serde(rename = "EngStreet", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub street: Option<Street>,
    #[serde(
        rename = "EngDistrict",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub district: Option<District>,
    /// `HK`, `KLN` or `NT`.
    #[serde(rename = "Region", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub region: Option<String>,
}

/// A Hong Kong address written in Chinese.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChiPremisesAddress {
    #[serde(
        rename = "Chi3dAddress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub three_d: Option<Chi3dAddress>,
    #[serde(rename = "ChiBlock", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub block: Option<Block>,
    #[serde(
        rename = "BuildingName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub building_name: Option<String>,
    #[serde(rename = "ChiEstate", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub estate: Option<ChiEstate>,
    #[serde(rename = "ChiStreet", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub street: Option<Street>,
    #[serde(
        rename = "ChiDistrict",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub district: Option<District>,
    /// `HK`, `KLN` or `NT`, as in the English form.
    #[serde(rename = "Region", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub region: Option<String>,
}

/// An address outside the structured schema, used for addresses outside Hong Kong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FreeFormatAddress {
    /// A BCP 47 tag: `en`, `zh-HK` or `zh-CN` [I].
    #[serde(
        rename = "LanguageCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub language_code: Option<String>,
    #[serde(
        rename = "AddressLine1",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub line1: Option<String>,
    #[serde(
        rename = "AddressLine2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub line2: Option<String>,
    #[serde(
        rename = "AddressLine3",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub line3: Option<String>,
}

/// `EngPostBox` / `ChiPostBox`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostBox {
    #[serde(rename = "PoBoxNo", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub number: Option<String>,
    #[serde(
        rename = "PostOffice",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub post_office: Option<String>,
    /// `HK`, `KLN` or `NT` [I].
    #[serde(
        rename = "PostOfficeRegion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub region: Option<String>,
}

/// A post office box, in exactly one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PostBoxAddress {
    #[serde(
        rename = "EngPostBox",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub english: Option<PostBox>,
    #[serde(
        rename = "ChiPostBox",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub chinese: Option<PostBox>,
}

/// `residentialAddress` or `postalAddress`: an object with exactly one of these keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Address {
    #[serde(rename = "ChiPremisesAddress")]
    ChiPremises(ChiPremisesAddress),
    #[serde(rename = "EngPremisesAddress")]
    EngPremises(EngPremisesAddress),
    #[serde(rename = "FreeFormatAddress")]
    FreeFormat(FreeFormatAddress),
    /// Allowed for `postalAddress` only.
    #[serde(rename = "PostBoxAddress")]
    PostBox(PostBoxAddress),
}

/// Which field an address fills, since only a postal address may be a post office box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressUse {
    Residential,
    Postal,
}

impl AddressUse {
    /// The keys of which exactly one must be present.
    pub fn allowed_keys(self) -> &'static [&'static str] {
        match self {
            AddressUse::Residential => &[
                "ChiPremisesAddress",
                "EngPremisesAddress",
                "FreeFormatAddress",
            ],
            AddressUse::Postal => &[
                "ChiPremisesAddress",
                "EngPremisesAddress",
                "FreeFormatAddress",
                "PostBoxAddress",
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Regions, districts, areas and streets.

/// The three regions of Hong Kong, as `Region` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Region {
    HongKongIsland,
    Kowloon,
    NewTerritories,
}

impl Region {
    pub const ALL: [Region; 3] = [
        Region::HongKongIsland,
        Region::Kowloon,
        Region::NewTerritories,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Region::HongKongIsland => "HK",
            Region::Kowloon => "KLN",
            Region::NewTerritories => "NT",
        }
    }

    pub fn from_code(code: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|region| region.code() == code)
    }

    pub fn english(self) -> &'static str {
        match self {
            Region::HongKongIsland => "HONG KONG",
            Region::Kowloon => "KOWLOON",
            Region::NewTerritories => "NEW TERRITORIES",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Region::HongKongIsland => "香港",
            Region::Kowloon => "九龍",
            Region::NewTerritories => "新界",
        }
    }
}

/// An area within a district, and some of its real streets (English, Chinese).
struct Area {
    english: &'static str,
    chinese: &'static str,
    streets: &'static [(&'static str, &'static str)],
}

/// One of the eighteen District Council districts.
pub struct DistrictEntry {
    pub region: Region,
    pub english: &'static str,
    pub chinese: &'static str,
    areas: &'static [Area],
}

/// The eighteen districts with a few of their areas and streets.
pub const DISTRICTS: [DistrictEntry; 18] = [
    DistrictEntry {
        region: Region::HongKongIsland,
        english: "CENTRAL & WESTERN DISTRICT",
        chinese: "中西區",
        areas: &[
            Area {
                english: "CENTRAL",
                chinese: "中環",
                streets: &[("DES VOEUX ROAD CENTRAL", "德輔道中")],
            },
            Area {
                english: "SHEUNG WAN",
                chinese: "上環",
                streets: &[("BONHAM STRAND", "文咸東街")],
            },
            Area {
                english: "KENNEDY TOWN",
                chinese: "堅尼地城",
                streets: &[("BELCHER'S STREET", "卑路乍街")],
            },
        ],
    },
    DistrictEntry {
        region: Region::HongKongIsland,
        english: "WAN CHAI DISTRICT",
        chinese: "灣仔區",
        areas: &[
            Area {
                english: "WAN CHAI",
                chinese: "灣仔",
                streets: &[("HENNESSY ROAD", "軒尼詩道")],
            },
            Area {
                english: "CAUSEWAY BAY",
                chinese: "銅鑼灣",
                streets: &[("YEE WO STREET", "怡和街")],
            },
            Area {
                english: "HAPPY VALLEY",
                chinese: "跑馬地",
                streets: &[("WONG NAI CHUNG ROAD", "黃泥涌道")],
            },
        ],
    },
    DistrictEntry {
        region: Region::HongKongIsland,
        english: "EASTERN DISTRICT",
        chinese: "東區",
        areas: &[
            Area {
                english: "NORTH POINT",
                chinese: "北角",
                streets: &[("KING'S ROAD", "英皇道")],
            },
            Area {
                english: "CHAI WAN",
                chinese: "柴灣",
                streets: &[("CHAI WAN ROAD", "柴灣道")],
            },
            Area {
                english: "SHAU KEI WAN",
                chinese: "筲箕灣",
                streets: &[("SHAU KEI WAN ROAD", "筲箕灣道")],
            },
        ],
    },
    DistrictEntry {
        region: Region::HongKongIsland,
        english: "SOUTHERN DISTRICT",
        chinese: "南區",
        areas: &[
            Area {
                english: "ABERDEEN",
                chinese: "香港仔",
                streets: &[("ABERDEEN MAIN ROAD", "香港仔大道")],
            },
            Area {
                english: "AP LEI CHAU",
                chinese: "鴨脷洲",
                streets: &[("AP LEI CHAU MAIN STREET", "鴨脷洲大街")],
            },
        ],
    },
    DistrictEntry {
        region: Region::Kowloon,
        english: "YAU TSIM MONG DISTRICT",
        chinese: "油尖旺區",
        areas: &[
            Area {
                english: "MONG KOK",
                chinese: "旺角",
                streets: &[("ARGYLE STREET", "亞皆老街")],
            },
            Area {
                english: "YAU MA TEI",
                chinese: "油麻地",
                streets: &[("NATHAN ROAD", "彌敦道")],
            },
            Area {
                english: "TSIM SHA TSUI",
                chinese: "尖沙咀",
                streets: &[("CHATHAM ROAD SOUTH", "漆咸道南")],
            },
        ],
    },
    DistrictEntry {
        region: Region::Kowloon,
        english: "SHAM SHUI PO DISTRICT",
        chinese: "深水埗區",
        areas: &[
            Area {
                english: "SHAM SHUI PO",
                chinese: "深水埗",
                streets: &[("CHEUNG SHA WAN ROAD", "長沙灣道")],
            },
            Area {
                english: "CHEUNG SHA WAN",
                chinese: "長沙灣",
                streets: &[("LAI CHI KOK ROAD", "荔枝角道")],
            },
        ],
    },
    DistrictEntry {
        region: Region::Kowloon,
        english: "KOWLOON CITY DISTRICT",
        chinese: "九龍城區",
        areas: &[
            Area {
                english: "TO KWA WAN",
                chinese: "土瓜灣",
                streets: &[("MA TAU WAI ROAD", "馬頭圍道")],
            },
            Area {
                english: "HUNG HOM",
                chinese: "紅磡",
                streets: &[("WUHU STREET", "蕪湖街")],
            },
        ],
    },
    DistrictEntry {
        region: Region::Kowloon,
        english: "WONG TAI SIN DISTRICT",
        chinese: "黃大仙區",
        areas: &[
            Area {
                english: "WONG TAI SIN",
                chinese: "黃大仙",
                streets: &[("LUNG CHEUNG ROAD", "龍翔道")],
            },
            Area {
                english: "DIAMOND HILL",
                chinese: "鑽石山",
                streets: &[("LUNG POON STREET", "龍蟠街")],
            },
        ],
    },
    DistrictEntry {
        region: Region::Kowloon,
        english: "KWUN TONG DISTRICT",
        chinese: "觀塘區",
        areas: &[
            Area {
                english: "KWUN TONG",
                chinese: "觀塘",
                streets: &[("HOI YUEN ROAD", "開源道")],
            },
            Area {
                english: "NGAU TAU KOK",
                chinese: "牛頭角",
                streets: &[("NGAU TAU KOK ROAD", "牛頭角道")],
            },
            Area {
                english: "LAM TIN",
                chinese: "藍田",
                streets: &[("KAI TIN ROAD", "啟田道")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "KWAI TSING DISTRICT",
        chinese: "葵青區",
        areas: &[
            Area {
                english: "KWAI CHUNG",
                chinese: "葵涌",
                streets: &[("HING FONG ROAD", "興芳路")],
            },
            Area {
                english: "TSING YI",
                chinese: "青衣",
                streets: &[("TSING LUK STREET", "青綠街")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "TSUEN WAN DISTRICT",
        chinese: "荃灣區",
        areas: &[Area {
            english: "TSUEN WAN",
            chinese: "荃灣",
            streets: &[("SHA TSUI ROAD", "沙咀道")],
        }],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "TUEN MUN DISTRICT",
        chinese: "屯門區",
        areas: &[Area {
            english: "TUEN MUN",
            chinese: "屯門",
            streets: &[("TUEN MUN HEUNG SZE WUI ROAD", "屯門鄉事會路")],
        }],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "YUEN LONG DISTRICT",
        chinese: "元朗區",
        areas: &[
            Area {
                english: "YUEN LONG",
                chinese: "元朗",
                streets: &[("KAU YUK ROAD", "教育路")],
            },
            Area {
                english: "TIN SHUI WAI",
                chinese: "天水圍",
                streets: &[("TIN SHUI ROAD", "天瑞路")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "NORTH DISTRICT",
        chinese: "北區",
        areas: &[
            Area {
                english: "SHEUNG SHUI",
                chinese: "上水",
                streets: &[("SAN FUNG AVENUE", "新豐路")],
            },
            Area {
                english: "FANLING",
                chinese: "粉嶺",
                streets: &[("JOCKEY CLUB ROAD", "馬會道")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "TAI PO DISTRICT",
        chinese: "大埔區",
        areas: &[Area {
            english: "TAI PO",
            chinese: "大埔",
            streets: &[("KWONG FUK ROAD", "廣福道")],
        }],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "SHA TIN DISTRICT",
        chinese: "沙田區",
        areas: &[
            Area {
                english: "SHA TIN",
                chinese: "沙田",
                streets: &[("TAI CHUNG KIU ROAD", "大涌橋路")],
            },
            Area {
                english: "MA ON SHAN",
                chinese: "馬鞍山",
                streets: &[("MA ON SHAN ROAD", "馬鞍山路")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "SAI KUNG DISTRICT",
        chinese: "西貢區",
        areas: &[
            Area {
                english: "TSEUNG KWAN O",
                chinese: "將軍澳",
                streets: &[("PO HONG ROAD", "寶康路")],
            },
            Area {
                english: "SAI KUNG",
                chinese: "西貢",
                streets: &[("HIRAM'S HIGHWAY", "西貢公路")],
            },
        ],
    },
    DistrictEntry {
        region: Region::NewTerritories,
        english: "ISLANDS DISTRICT",
        chinese: "離島區",
        areas: &[
            Area {
                english: "TUNG CHUNG",
                chinese: "東涌",
                streets: &[("TAT TUNG ROAD", "達東路")],
            },
            Area {
                english: "CHEUNG CHAU",
                chinese: "長洲",
                streets: &[("TUNG WAN ROAD", "東灣路")],
            },
        ],
    },
];

/// The district named `name` (English or Chinese, as written in `DcDistrict`).
pub fn find_district(name: &str) -> Option<&'static DistrictEntry> {
    DISTRICTS
        .iter()
        .find(|district| district.english == name || district.chinese == name)
}

// ---------------------------------------------------------------------------------------------------
// Generation.

/// Invented estate and building names (English, Chinese).
const PLACE_NAMES: [(&str, &str); 12] = [
    ("KAM FUNG", "金峰"),
    ("FU YIU", "富耀"),
    ("HONG SHING", "康盛"),
    ("YAT FAI", "日輝"),
    ("PO SHAN", "寶山"),
    ("SUN HEI", "信喜"),
    ("KA WING", "嘉榮"),
    ("TAK MAN", "德敏"),
    ("YUK SHING", "玉成"),
    ("MAN FUK", "萬福"),
    ("CHING HEI", "晴曦"),
    ("WING KIN", "永健"),
];

/// Invented names of the blocks of a public housing estate.
const HOUSE_NAMES: [(&str, &str); 8] = [
    ("CHOI MING", "彩明"),
    ("WAH SHAN", "華山"),
    ("YIU TAK", "耀德"),
    ("SHING FAI", "成輝"),
    ("HONG YAT", "康逸"),
    ("PUI MAN", "培文"),
    ("LOK SHUN", "樂信"),
    ("KIN ON", "健安"),
];

const CHINESE_NUMERALS: [&str; 5] = ["一", "二", "三", "四", "五"];

/// What kind of building a generated Hong Kong address is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildingKind {
    /// A public housing estate: named house (block), flat number, estate phase.
    PublicEstate,
    /// A private estate: numbered tower, lettered flat, phase.
    PrivateEstate,
    /// A single building on a street: building name, street number, lettered flat.
    SingleBuilding,
}

/// One Hong Kong address generated in both languages; e-ME carries one of them, the e-bill the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HongKongPremises {
    pub english: EngPremisesAddress,
    pub chinese: ChiPremisesAddress,
}

/// A Hong Kong address, in a district other than `avoid_district` when given.
pub fn hong_kong_premises(
    draw: &mut Draw,
    kind: Option<BuildingKind>,
    avoid_district: Option<&str>,
) -> HongKongPremises {
    let candidates: Vec<&DistrictEntry> = DISTRICTS
        .iter()
        .filter(|district| Some(district.english) != avoid_district)
        .collect();
    let district = draw.pick(&candidates).copied().unwrap_or(&DISTRICTS[0]);
    let area = draw.pick(district.areas).unwrap_or(&district.areas[0]);
    let (street_en, street_zh) = draw.pick(area.streets).copied().unwrap_or(area.streets[0]);
    let kind = kind.unwrap_or_else(|| {
        *draw
            .pick(&[
                BuildingKind::PublicEstate,
                BuildingKind::PrivateEstate,
                BuildingKind::SingleBuilding,
            ])
            .unwrap_or(&BuildingKind::SingleBuilding)
    });
    let (place_en, place_zh) = draw.pick(&PLACE_NAMES).copied().unwrap_or(PLACE_NAMES[0]);
    let street_number = draw.between(1, 288).to_string();
    let phase = draw.between(1, 5) as usize;
    let with_phase = kind != BuildingKind::SingleBuilding && draw.chance(50);
    let block_number = draw.between(1, 12).to_string();

    let (floor_limit, unit) = match kind {
        BuildingKind::PublicEstate => (40, draw.between(1, 24).to_string()),
        BuildingKind::PrivateEstate => (60, flat_letter(draw)),
        BuildingKind::SingleBuilding => (25, flat_letter(draw)),
    };
    let floor = draw.between(1, floor_limit).to_string();

    let street = |name: &str| {
        Some(Street {
            name: Some(name.to_owned()),
            building_number_from: Some(street_number.clone()),
            building_number_to: None,
        })
    };
    let district_of = |dc: &str, sub: &str| {
        Some(District {
            dc_district: Some(dc.to_owned()),
            sub_district: Some(sub.to_owned()),
        })
    };
    let phase_of = |name: String| {
        with_phase.then(|| Phase {
            name: Some(name),
            number: Some(phase.to_string()),
        })
    };

    let mut english = EngPremisesAddress {
        three_d: Some(Eng3dAddress {
            floor: Some(Floor {
                number: Some(floor.clone()),
            }),
            unit: Some(Unit {
                descriptor: Some("FLAT".to_owned()),
                number: Some(unit.clone()),
            }),
        }),
        street: street(street_en),
        district: district_of(district.english, area.english),
        region: Some(district.region.code().to_owned()),
        ..EngPremisesAddress::default()
    };
    let mut chinese = ChiPremisesAddress {
        three_d: Some(Chi3dAddress {
            floor: Some(Floor {
                number: Some(floor),
            }),
            unit: Some(Unit {
                descriptor: Some("室".to_owned()),
                number: Some(unit),
            }),
        }),
        street: street(street_zh),
        district: district_of(district.chinese, area.chinese),
        region: Some(district.region.code().to_owned()),
        ..ChiPremisesAddress::default()
    };
    let numeral = CHINESE_NUMERALS.get(phase - 1).copied().unwrap_or("一");
    match kind {
        BuildingKind::PublicEstate => {
            let (house_en, house_zh) = draw.pick(&HOUSE_NAMES).copied().unwrap_or(HOUSE_NAMES[0]);
            english.building_name = Some(format!("{house_en} HOUSE"));
            english.estate = Some(EngEstate {
                name: Some(format!("{place_en} ESTATE")),
                phase: phase_of(format!("PHASE {phase}")),
            });
            chinese.building_name = Some(format!("{house_zh}樓"));
            chinese.estate = Some(ChiEstate {
                name: Some(format!("{place_zh}邨")),
                phase: phase_of(format!("第{numeral}期")),
            });
        }
        BuildingKind::PrivateEstate => {
            english.block = Some(Block {
                descriptor: Some("BLOCK".to_owned()),
                number: Some(block_number.clone()),
            });
            english.estate = Some(EngEstate {
                name: Some(format!("{place_en} GARDEN")),
                phase: phase_of(format!("PHASE {phase}")),
            });
            chinese.block = Some(Block {
                descriptor: Some("座".to_owned()),
                number: Some(block_number),
            });
            chinese.estate = Some(ChiEstate {
                name: Some(format!("{place_zh}花園")),
                phase: phase_of(format!("第{numeral}期")),
            });
        }
        BuildingKind::SingleBuilding => {
            english.building_name = Some(format!("{place_en} MANSION"));
            chinese.building_name = Some(format!("{place_zh}大廈"));
        }
    }
    HongKongPremises { english, chinese }
}

fn flat_letter(draw: &mut Draw) -> String {
    draw.pick(&["A", "B", "C", "D", "E", "F", "G", "H"])
        .copied()
        .unwrap_or("A")
        .to_owned()
}

/// Post offices with boxes (English, Chinese, region).
const POST_OFFICES: [(&str, &str, Region); 4] = [
    ("GENERAL POST OFFICE", "郵政總局", Region::HongKongIsland),
    ("TSIM SHA TSUI POST OFFICE", "尖沙咀郵政局", Region::Kowloon),
    ("KWUN TONG POST OFFICE", "觀塘郵政局", Region::Kowloon),
    ("SHA TIN POST OFFICE", "沙田郵政局", Region::NewTerritories),
];

/// A post office box, in English or Chinese, and its English lines (for an e-bill's postal address).
pub fn post_box(draw: &mut Draw, in_chinese: bool) -> (Address, Vec<String>) {
    let (english, chinese, region) = draw.pick(&POST_OFFICES).copied().unwrap_or(POST_OFFICES[0]);
    let number = draw.between(1, 9999).to_string();
    let english_lines = vec![
        format!("P.O. BOX {number}, {english}"),
        region.english().to_owned(),
    ];
    let post_box = PostBox {
        number: Some(number),
        post_office: Some(if in_chinese { chinese } else { english }.to_owned()),
        region: Some(region.code().to_owned()),
    };
    let address = Address::PostBox(if in_chinese {
        PostBoxAddress {
            chinese: Some(post_box),
            english: None,
        }
    } else {
        PostBoxAddress {
            english: Some(post_box),
            chinese: None,
        }
    });
    (address, english_lines)
}

/// Shenzhen districts and a real road in each (Simplified Chinese).
const SHENZHEN_DISTRICTS: [(&str, &str); 6] = [
    ("福田区", "福华三路"),
    ("罗湖区", "人民南路"),
    ("南山区", "南海大道"),
    ("宝安区", "宝安大道"),
    ("龙岗区", "龙岗大道"),
    ("龙华区", "人民路"),
];
/// Invented housing estate names in Shenzhen.
const SHENZHEN_ESTATES: [&str; 4] = ["锦绣华庭", "海悦花园", "桂语苑", "星河湾畔"];

/// A home in Shenzhen, written the mainland way as a free-format address in Simplified Chinese.
pub fn shenzhen(draw: &mut Draw) -> Address {
    let (district, road) = draw
        .pick(&SHENZHEN_DISTRICTS)
        .copied()
        .unwrap_or(SHENZHEN_DISTRICTS[0]);
    let estate = draw.pick(&SHENZHEN_ESTATES).copied().unwrap_or("锦绣华庭");
    let number = draw.between(1, 300);
    let building = draw.between(1, 12);
    let floor = draw.between(2, 32);
    let flat = draw.between(1, 8);
    Address::FreeFormat(FreeFormatAddress {
        language_code: Some("zh-CN".to_owned()),
        line1: Some(format!("广东省深圳市{district}")),
        line2: Some(format!("{road}{number}号")),
        line3: Some(format!("{estate}{building}栋{floor}{flat:02}室")),
    })
}

/// Cities where Hong Kong people abroad often live, with an invented street in each and the country's
/// calling code.
const OVERSEAS: [(&str, &str, &str, &str); 4] = [
    ("MAPLE GROVE AVENUE", "TORONTO, ONTARIO", "CANADA", "1"),
    (
        "HARBOUR VIEW ROAD",
        "VANCOUVER, BRITISH COLUMBIA",
        "CANADA",
        "1",
    ),
    ("ELM PARK GARDENS", "MANCHESTER", "UNITED KINGDOM", "44"),
    (
        "WATTLE CRESCENT",
        "SYDNEY, NEW SOUTH WALES",
        "AUSTRALIA",
        "61",
    ),
];

/// A home outside Hong Kong and the mainland, as a free-format English address, and the calling code
/// of its country.
pub fn overseas(draw: &mut Draw) -> (Address, &'static str) {
    let (street, city, country, calling_code) =
        draw.pick(&OVERSEAS).copied().unwrap_or(OVERSEAS[0]);
    let flat = draw.between(1, 40);
    let number = draw.between(1, 200);
    let address = Address::FreeFormat(FreeFormatAddress {
        language_code: Some("en".to_owned()),
        line1: Some(format!("UNIT {flat}, {number} {street}")),
        line2: Some(city.to_owned()),
        line3: Some(country.to_owned()),
    });
    (address, calling_code)
}

// ---------------------------------------------------------------------------------------------------
// Reading and checking.

/// The parts of a premises address, whichever language it is in.
struct PremisesView<'a> {
    floor: Option<&'a str>,
    unit: Option<&'a Unit>,
    block: Option<&'a Block>,
    building_name: Option<&'a str>,
    estate_name: Option<&'a str>,
    phase: Option<&'a Phase>,
    street: Option<&'a Street>,
    district: Option<&'a District>,
    region: Option<&'a str>,
}

impl EngPremisesAddress {
    fn view(&self) -> PremisesView<'_> {
        let three_d = self.three_d.as_ref();
        PremisesView {
            floor: three_d
                .and_then(|t| t.floor.as_ref())
                .and_then(|f| f.number.as_deref()),
            unit: three_d.and_then(|t| t.unit.as_ref()),
            block: self.block.as_ref(),
            building_name: self.building_name.as_deref(),
            estate_name: self.estate.as_ref().and_then(|e| e.name.as_deref()),
            phase: self.estate.as_ref().and_then(|e| e.phase.as_ref()),
            street: self.street.as_ref(),
            district: self.district.as_ref(),
            region: self.region.as_deref(),
        }
    }

    /// The address as an English envelope would show it, up to three lines.
    pub fn lines(&self) -> Vec<String> {
        let view = self.view();
        let mut first = Vec::new();
        if let Some(unit) = view.unit {
            first.push(join_words([
                unit.descriptor.as_deref(),
                unit.number.as_deref(),
            ]));
        }
        if let Some(floor) = view.floor {
            first.push(format!("{floor}/F"));
        }
        if let Some(block) = view.block {
            first.push(join_words([
                block.descriptor.as_deref(),
                block.number.as_deref(),
            ]));
        }
        first.extend(view.building_name.map(str::to_owned));
        let mut second = Vec::new();
        if let Some(estate) = view.estate_name {
            let phase = view.phase.and_then(|p| p.name.as_deref());
            second.push(join_words([Some(estate), phase]));
        }
        if let Some(street) = view.street {
            second.push(join_words([
                street.building_number_from.as_deref(),
                street.name.as_deref(),
            ]));
        }
        let mut third = Vec::new();
        third.extend(
            view.district
                .and_then(|d| d.sub_district.as_deref())
                .map(str::to_owned),
        );
        third.extend(
            view.region
                .and_then(Region::from_code)
                .map(|region| region.english().to_owned()),
        );
        [first.join(", "), second.join(", "), third.join(", ")]
            .into_iter()
            .filter(|line| !line.trim().is_empty())
            .collect()
    }
}

impl ChiPremisesAddress {
    fn view(&self) -> PremisesView<'_> {
        let three_d = self.three_d.as_ref();
        PremisesView {
            floor: three_d
                .and_then(|t| t.floor.as_ref())
                .and_then(|f| f.number.as_deref()),
            unit: three_d.and_then(|t| t.unit.as_ref()),
            block: self.block.as_ref(),
            building_name: self.building_name.as_deref(),
            estate_name: self.estate.as_ref().and_then(|e| e.name.as_deref()),
            phase: self.estate.as_ref().and_then(|e| e.phase.as_ref()),
            street: self.street.as_ref(),
            district: self.district.as_ref(),
            region: self.region.as_deref(),
        }
    }

    /// The address as a Chinese envelope would show it, from the largest place to the smallest.
    pub fn lines(&self) -> Vec<String> {
        let view = self.view();
        let mut first = String::new();
        first.push_str(
            view.region
                .and_then(Region::from_code)
                .map_or("", Region::chinese),
        );
        if let Some(sub) = view.district.and_then(|d| d.sub_district.as_deref()) {
            first.push_str(sub);
        }
        if let Some(street) = view.street {
            first.push_str(street.name.as_deref().unwrap_or(""));
            if let Some(number) = street.building_number_from.as_deref() {
                first.push_str(number);
                first.push('號');
            }
        }
        let mut second = String::new();
        second.push_str(view.estate_name.unwrap_or(""));
        second.push_str(view.phase.and_then(|p| p.name.as_deref()).unwrap_or(""));
        second.push_str(view.building_name.unwrap_or(""));
        if let Some(block) = view.block {
            second.push_str(block.number.as_deref().unwrap_or(""));
            second.push_str(block.descriptor.as_deref().unwrap_or(""));
        }
        let mut third = String::new();
        if let Some(floor) = view.floor {
            third.push_str(floor);
            third.push('樓');
        }
        if let Some(unit) = view.unit {
            third.push_str(unit.number.as_deref().unwrap_or(""));
            third.push_str(unit.descriptor.as_deref().unwrap_or(""));
        }
        [first, second, third]
            .into_iter()
            .filter(|line| !line.is_empty())
            .collect()
    }
}

fn join_words<const N: usize>(words: [Option<&str>; N]) -> String {
    words.into_iter().flatten().collect::<Vec<_>>().join(" ")
}

impl Address {
    /// The wire key of this address's shape.
    pub fn key(&self) -> &'static str {
        match self {
            Address::ChiPremises(_) => "ChiPremisesAddress",
            Address::EngPremises(_) => "EngPremisesAddress",
            Address::FreeFormat(_) => "FreeFormatAddress",
            Address::PostBox(_) => "PostBoxAddress",
        }
    }

    /// The address as lines for a consent screen, in its own language.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Address::EngPremises(address) => address.lines(),
            Address::ChiPremises(address) => address.lines(),
            Address::FreeFormat(address) => [&address.line1, &address.line2, &address.line3]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            Address::PostBox(address) => {
                let mut lines = Vec::new();
                if let Some(english) = &address.english {
                    lines.push(format!(
                        "P.O. BOX {}, {}",
                        english.number.as_deref().unwrap_or(""),
                        english.post_office.as_deref().unwrap_or("")
                    ));
                }
                if let Some(chinese) = &address.chinese {
                    lines.push(format!(
                        "{}信箱{}號",
                        chinese.post_office.as_deref().unwrap_or(""),
                        chinese.number.as_deref().unwrap_or("")
                    ));
                }
                lines
            }
        }
    }

    /// Checks the address against the schema's rules for `usage`; each problem has a path below the
    /// address (`EngPremisesAddress.Region`) and a message that never quotes the value.
    pub fn check(&self, usage: AddressUse) -> Vec<(String, FieldProblem, &'static str)> {
        let mut problems = Vec::new();
        match self {
            Address::EngPremises(address) => {
                check_premises(
                    &address.view(),
                    "EngPremisesAddress",
                    "Eng",
                    false,
                    &mut problems,
                );
            }
            Address::ChiPremises(address) => {
                check_premises(
                    &address.view(),
                    "ChiPremisesAddress",
                    "Chi",
                    true,
                    &mut problems,
                );
            }
            Address::FreeFormat(address) => {
                let root = "FreeFormatAddress";
                match address.language_code.as_deref() {
                    Some("en" | "zh-HK" | "zh-CN") => {}
                    _ => problems.push((
                        format!("{root}.LanguageCode"),
                        FieldProblem::Malformed,
                        "must be en, zh-HK or zh-CN",
                    )),
                }
                if address
                    .line1
                    .as_deref()
                    .is_none_or(|line| line.trim().is_empty())
                {
                    problems.push((
                        format!("{root}.AddressLine1"),
                        FieldProblem::Malformed,
                        "must not be empty",
                    ));
                }
                for (name, line) in [
                    ("AddressLine1", &address.line1),
                    ("AddressLine2", &address.line2),
                    ("AddressLine3", &address.line3),
                ] {
                    if line
                        .as_deref()
                        .is_some_and(|line| line.chars().count() > 200)
                    {
                        problems.push((
                            format!("{root}.{name}"),
                            FieldProblem::Malformed,
                            "is longer than 200 characters",
                        ));
                    }
                }
            }
            Address::PostBox(address) => {
                let root = "PostBoxAddress";
                if usage == AddressUse::Residential {
                    problems.push((
                        root.to_owned(),
                        FieldProblem::AddressShape,
                        "a residential address cannot be a post office box",
                    ));
                }
                match (&address.english, &address.chinese) {
                    (Some(post_box), None) | (None, Some(post_box)) => {
                        let inner = if address.english.is_some() {
                            "EngPostBox"
                        } else {
                            "ChiPostBox"
                        };
                        if !post_box.number.as_deref().is_some_and(is_short_number) {
                            problems.push((
                                format!("{root}.{inner}.PoBoxNo"),
                                FieldProblem::Malformed,
                                "must be a box number of one to six digits",
                            ));
                        }
                        if post_box.post_office.as_deref().is_none_or(str::is_empty) {
                            problems.push((
                                format!("{root}.{inner}.PostOffice"),
                                FieldProblem::Malformed,
                                "must not be empty",
                            ));
                        }
                        if let Some(region) = post_box.region.as_deref()
                            && Region::from_code(region).is_none()
                        {
                            problems.push((
                                format!("{root}.{inner}.PostOfficeRegion"),
                                FieldProblem::Malformed,
                                "must be HK, KLN or NT",
                            ));
                        }
                    }
                    _ => problems.push((
                        root.to_owned(),
                        FieldProblem::AddressShape,
                        "must hold exactly one of EngPostBox and ChiPostBox",
                    )),
                }
            }
        }
        problems
    }
}

fn is_short_number(text: &str) -> bool {
    (1..=6).contains(&text.len()) && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn check_premises(
    view: &PremisesView<'_>,
    root: &str,
    prefix: &str,
    chinese: bool,
    problems: &mut Vec<(String, FieldProblem, &'static str)>,
) {
    let region = view.region.and_then(Region::from_code);
    if region.is_none() {
        problems.push((
            format!("{root}.Region"),
            FieldProblem::Malformed,
            "must be HK, KLN or NT",
        ));
    }
    let district_name = view.district.and_then(|d| d.dc_district.as_deref());
    match district_name.map(find_district) {
        None => problems.push((
            format!("{root}.{prefix}District.DcDistrict"),
            FieldProblem::Malformed,
            "must name the district",
        )),
        Some(None) => problems.push((
            format!("{root}.{prefix}District.DcDistrict"),
            FieldProblem::Malformed,
            "is not one of the eighteen districts as the schema spells them",
        )),
        Some(Some(entry)) => {
            let right_language = if chinese {
                district_name == Some(entry.chinese)
            } else {
                district_name == Some(entry.english)
            };
            if !right_language {
                problems.push((
                    format!("{root}.{prefix}District.DcDistrict"),
                    FieldProblem::Malformed,
                    "is written in the other language",
                ));
            }
            if region.is_some_and(|region| region != entry.region) {
                problems.push((
                    format!("{root}.Region"),
                    FieldProblem::Inconsistent,
                    "does not contain the district",
                ));
            }
        }
    }
    if view.building_name.is_none() && view.estate_name.is_none() && view.street.is_none() {
        problems.push((
            root.to_owned(),
            FieldProblem::Malformed,
            "must name a building, an estate or a street",
        ));
    }
    if let Some(street) = view.street
        && street.name.as_deref().is_none_or(str::is_empty)
    {
        problems.push((
            format!("{root}.{prefix}Street.StreetName"),
            FieldProblem::Malformed,
            "must not be empty",
        ));
    }
    let texts = [
        view.building_name,
        view.estate_name,
        view.floor,
        view.street.and_then(|s| s.name.as_deref()),
        view.district.and_then(|d| d.sub_district.as_deref()),
    ];
    if texts
        .into_iter()
        .flatten()
        .any(|text| text.chars().count() > 120)
    {
        problems.push((
            root.to_owned(),
            FieldProblem::Malformed,
            "has a part longer than 120 characters",
        ));
    }
}

/// Checks that a JSON value has the "exactly one of" shape before it is read as an [`Address`], so the
/// error can say what was wrong instead of serde's generic message.
pub fn check_shape(value: &Value, usage: AddressUse) -> Result<(), String> {
    let allowed = usage.allowed_keys();
    let Some(object) = value.as_object() else {
        return Err(format!(
            "must be an object with exactly one of {}",
            allowed.join(", ")
        ));
    };
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|key| !allowed.contains(key))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "may hold only {}; found another key",
            allowed.join(", ")
        ));
    }
    if object.len() != 1 {
        return Err(format!(
            "must hold exactly one of {}; found {}",
            allowed.join(", "),
            object.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::seed::IdentitySeed;

    #[test]
    fn there_are_eighteen_real_districts_in_three_regions() {
        assert_eq!(DISTRICTS.len(), 18);
        let count = |region| DISTRICTS.iter().filter(|d| d.region == region).count();
        assert_eq!(
            [
                count(Region::HongKongIsland),
                count(Region::Kowloon),
                count(Region::NewTerritories)
            ],
            [4, 5, 9]
        );
        assert!(find_district("SHA TIN DISTRICT").is_some());
        assert!(find_district("沙田區").is_some());
        assert!(find_district("GOTHAM DISTRICT").is_none());
        for district in &DISTRICTS {
            assert!(!district.areas.is_empty());
            assert!(district.areas.iter().all(|area| !area.streets.is_empty()));
        }
    }

    #[test]
    fn generated_addresses_in_both_languages_pass_their_checks() {
        for seed in 0..60u8 {
            for kind in [
                None,
                Some(BuildingKind::PublicEstate),
                Some(BuildingKind::PrivateEstate),
                Some(BuildingKind::SingleBuilding),
            ] {
                let mut draw = IdentitySeed::new([seed; 32]).draw("address");
                let premises = hong_kong_premises(&mut draw, kind, None);
                let english = Address::EngPremises(premises.english.clone());
                let chinese = Address::ChiPremises(premises.chinese.clone());
                assert_eq!(english.check(AddressUse::Residential), Vec::new());
                assert_eq!(chinese.check(AddressUse::Residential), Vec::new());
                assert!(!english.lines().is_empty());
                assert!(chinese.lines().len() >= 2);
            }
            let mut draw = IdentitySeed::new([seed; 32]).draw("elsewhere");
            for address in [
                shenzhen(&mut draw),
                overseas(&mut draw).0,
                post_box(&mut draw, seed % 2 == 0).0,
            ] {
                assert_eq!(address.check(AddressUse::Postal), Vec::new(), "{address:?}");
            }
        }
    }

    #[test]
    fn an_address_serialises_as_exactly_one_shape() {
        let mut draw = IdentitySeed::new([9; 32]).draw("address");
        let premises = hong_kong_premises(&mut draw, Some(BuildingKind::PrivateEstate), None);
        let value = serde_json::to_value(Address::EngPremises(premises.english)).expect("json");
        let object = value.as_object().expect("an object");
        assert_eq!(object.keys().collect::<Vec<_>>(), ["EngPremisesAddress"]);
        let inner = &object["EngPremisesAddress"];
        assert!(inner["Region"].is_string());
        assert!(inner["EngDistrict"]["DcDistrict"].is_string());
        assert!(inner["EngDistrict"]["Sub-district"].is_string());
        assert!(inner["EngBlock"]["BlockNo"].is_string());
        assert!(inner["Eng3dAddress"]["EngFloor"]["FloorNum"].is_string());
        assert!(inner["Eng3dAddress"]["EngUnit"]["UnitNo"].is_string());
        assert!(inner["EngStreet"]["BuildingNoFrom"].is_string());
        let back: Address = serde_json::from_value(value).expect("round trip");
        assert_eq!(back.key(), "EngPremisesAddress");
    }

    #[test]
    fn shape_checks_insist_on_exactly_one_allowed_key() {
        let two = serde_json::json!({"EngPremisesAddress": {}, "ChiPremisesAddress": {}});
        assert!(check_shape(&two, AddressUse::Residential).is_err());
        let none = serde_json::json!({});
        assert!(check_shape(&none, AddressUse::Postal).is_err());
        let post_box = serde_json::json!({"PostBoxAddress": {}});
        assert!(check_shape(&post_box, AddressUse::Residential).is_err());
        assert!(check_shape(&post_box, AddressUse::Postal).is_ok());
        assert!(check_shape(&serde_json::json!("Flat A"), AddressUse::Postal).is_err());
    }

    #[test]
    fn premises_checks_catch_wrong_regions_and_unknown_districts() {
        let mut draw = IdentitySeed::new([4; 32]).draw("address");
        let mut premises = hong_kong_premises(&mut draw, None, None);
        premises.english.region = Some("XX".into());
        let problems =
            Address::EngPremises(premises.english.clone()).check(AddressUse::Residential);
        assert_eq!(problems[0].0, "EngPremisesAddress.Region");
        premises.english.district = Some(District {
            dc_district: Some("沙田區".into()),
            sub_district: None,
        });
        premises.english.region = Some("HK".into());
        let problems = Address::EngPremises(premises.english).check(AddressUse::Residential);
        let messages: Vec<&str> = problems.iter().map(|(_, _, message)| *message).collect();
        assert!(messages.contains(&"is written in the other language"));
        assert!(messages.contains(&"does not contain the district"));
        let empty = Address::ChiPremises(ChiPremisesAddress::default());
        assert_eq!(empty.check(AddressUse::Residential).len(), 3);
    }

    #[test]
    fn addresses_read_as_lines_in_their_own_language() {
        let english = EngPremisesAddress {
            three_d: Some(Eng3dAddress {
                floor: Some(Floor {
                    number: Some("12".into()),
                }),
                unit: Some(Unit {
                    descriptor: Some("FLAT".into()),
                    number: Some("A".into()),
                }),
            }),
            block: Some(Block {
                descriptor: Some("BLOCK".into()),
                number: Some("3".into()),
            }),
            estate: Some(EngEstate {
                name: Some("KAM FUNG GARDEN".into()),
                phase: Some(Phase {
                    name: Some("PHASE 2".into()),
                    number: Some("2".into()),
                }),
            }),
            street: Some(Street {
                name: Some("NATHAN ROAD".into()),
                building_number_from: Some("8".into()),
                building_number_to: None,
            }),
            district: Some(District {
                dc_district: Some("YAU TSIM MONG DISTRICT".into()),
                sub_district: Some("YAU MA TEI".into()),
            }),
            region: Some("KLN".into()),
            building_name: None,
        };
        assert_eq!(
            english.lines(),
            [
                "FLAT A, 12/F, BLOCK 3",
                "KAM FUNG GARDEN PHASE 2, 8 NATHAN ROAD",
                "YAU MA TEI, KOWLOON"
            ]
        );
        let chinese = ChiPremisesAddress {
            three_d: Some(Chi3dAddress {
                floor: Some(Floor {
                    number: Some("12".into()),
                }),
                unit: Some(Unit {
                    descriptor: Some("室".into()),
                    number: Some("A".into()),
                }),
            }),
            block: Some(Block {
                descriptor: Some("座".into()),
                number: Some("3".into()),
            }),
            estate: Some(ChiEstate {
                name: Some("金峰花園".into()),
                phase: Some(Phase {
                    name: Some("第二期".into()),
                    number: Some("2".into()),
                }),
            }),
            street: Some(Street {
                name: Some("彌敦道".into()),
                building_number_from: Some("8".into()),
                building_number_to: None,
            }),
            district: Some(District {
                dc_district: Some("油尖旺區".into()),
                sub_district: Some("油麻地".into()),
            }),
            region: Some("KLN".into()),
            building_name: None,
        };
        assert_eq!(
            chinese.lines(),
            ["九龍油麻地彌敦道8號", "金峰花園第二期3座", "12樓A室"]
        );
    }
}
