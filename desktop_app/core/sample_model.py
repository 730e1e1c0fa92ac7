"""The built-in sample model "2026 buildout", with every figure's source and year.

Figures come from published sources up to mid-2026, each named in its row's ``source``, with a
confidence tag: H primary, M reputable secondary, L weak or assumed. Where a number is derived
the source text says how ("derived: ...").

Units as in ``core.model``: a phase's ``capacity_mw`` is IT MW. The projects table gives facility
MW, so each phase is converted with its site's PUE (IT = facility / PUE) unless its source says IT.

**Supply share.** Supply lines are world totals, while the ~30 listed sites are a slice of world
demand. ``supply_share_to_model`` = 0.2 is the share of world AI accelerator output that serves the
listed sites. They want ~1.55M accelerators in 2025 and ~2.7M a year in 2026–27 (expected: capacity
× completion probability; ~1.8M and ~3.1–3.4M at full completion), against Epoch's ~8.75M
accelerators shipped in 2025 (Nvidia 4.46M, TPU 2.77M, Trainium 1.08M, AMD 0.44M; ±1.5×) growing
to roughly 12–15M a year: a share of about 0.18–0.22. Calibration (deterministic run): the Baseline
is tight but served (packaging ~1.17× demand in 2026); "Packaging constrained to 2027" (CoWoS-class
output × 0.75 in 2025–27) makes packaging bind in 2026–27 (~12 % short in 2026, backlog cleared in
2028); "Supply glut" (every line × 1.5) never binds. ``calibration_table`` reproduces the engine's
arithmetic by hand: ``python -m desktop_app.core.sample_model``.

Known simplifications: the engine sums supply lines of a kind regardless of node or vendor, so the
illustrative Chinese sites (Ascend 910C) draw on the same TSMC/HBM lines as everyone else.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from desktop_app.core.model import (
    Accelerator,
    Correlation,
    Distribution,
    Model,
    Operation,
    Override,
    PeriodKind,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SiteStatus,
    SupplyKind,
    SupplyLine,
    Uncertainty,
)
from desktop_app.core.selectors import parse_selector, resolve

YEARS = range(2024, 2031)
SERVER_FACTOR = 1.82  # all-in kW per kW of chip TDP (Epoch energy model, M)
SUPPLY_SHARE_TO_MODEL = 0.2

SETTINGS = Settings(
    title="2026 buildout",
    base_year=2024,
    horizon_year=2030,
    period=PeriodKind.YEAR,
    currency_year=2025,
    discount_rate=0.08,
    mc_samples=10_000,
    mc_seed=20_260_501,
    default_facility_capex_usd_per_mw=11_700_000.0,  # Cushman & Wakefield 2025, US, per MW IT
    supply_share_to_model=SUPPLY_SHARE_TO_MODEL,
)

# code, name, USD/MWh, kg CO2/MWh, default PUE, facility-cost multiplier, source.
# Electricity prices are held flat in real terms (change 0 %/yr, an assumption).
REGIONS = [
    ("US", "United States", 81, 370, 1.2, 1.0,
     "EIA 2023: industrial ~$81/MWh (H); Ember 2024: ~370 kg/MWh (M); new AI builds PUE ~1.2 "
     "(Uptime 2025, M); facility $11.7M/MW IT baseline (Cushman & Wakefield 2025, H)"),
    ("CN", "China", 85, 560, 1.25, 0.7,
     "IEA 2024: China industrial power near the US level, EU ~2× both (M); Ember 2024: ~560 kg/MWh "
     "(M); large new DCs capped at PUE < 1.3 (2024 rules, M); cost multiplier 0.7 estimate (L)"),
    ("EU", "European Union", 160, 210, 1.2, 1.0,
     "IEA/EIA 2024: EU energy-intensive industry pays ~2× US → ~$160/MWh (M); Ember 2024: ~210 "
     "kg/MWh (M); Germany PUE < 1.2 for new DCs from 2026 (M); Turner & Townsend 2025: Frankfurt "
     "$11.6/W, London $12.0/W vs US $11.7/W → 1.0 (M)"),
    ("NO", "Norway", 55, 30, 1.15, 1.0,
     "SSB 2024: Norwegian industrial power ~$55/MWh, approx. (L/M); Ember 2024: ~30 kg/MWh hydro "
     "(M); cool-climate PUE ~1.15 (Nscale 2025, M); cost ≈ Frankfurt (Turner & Townsend 2025, L)"),
    ("IN", "India", 90, 710, 1.4, 0.6,
     "State tariffs 2024: industrial ~₹7.5/kWh ≈ $90/MWh (M); Ember 2024: ~710 kg/MWh (M); "
     "hot-climate PUE 1.4 (Uptime 2025, M); Mumbai ~$7/W vs US $11.7/W (T&T 2025 est., L)"),
    ("KR", "South Korea", 130, 430, 1.3, 0.9,
     "KEPCO 2024: industrial ~KRW 180/kWh ≈ $130/MWh (M); Ember 2024: ~430 kg/MWh (M); "
     "Seoul ~$10.5/W vs US $11.7/W (T&T 2025 est., L)"),
    ("JP", "Japan", 150, 480, 1.3, 15.2 / 11.7,
     "METI 2024: extra-high-voltage industrial ~¥22/kWh ≈ $150/MWh (M); Ember 2024: ~480 kg/MWh "
     "(M); Turner & Townsend 2025: Tokyo $15.2/W vs US $11.7/W → 1.30 (M)"),
    ("SA", "Saudi Arabia", 48, 570, 1.35, 0.9,
     "SEC 2024: industrial tariff SAR 0.18/kWh ≈ $48/MWh (M); Ember 2024: ~570 kg/MWh, oil and gas "
     "(M); hot-climate PUE 1.35 (est., L); cost multiplier 0.9 estimate (L)"),
    ("AE", "United Arab Emirates", 70, 410, 1.35, 0.9,
     "DEWA/ADDC 2024: industrial AED 0.23–0.38/kWh → ~$70/MWh (L/M); Ember 2024: ~410 kg/MWh, gas "
     "and Barakah nuclear (M); PUE 1.35 (est., L); Dubai ~$10.5/W (T&T 2025 est., L)"),
    ("TW", "Taiwan", 125, 480, 1.3, 1.0,
     "Taipower 2024: industrial ~NT$4/kWh ≈ $125/MWh after the 2024 rises (M); Ember 2024: ~480 "
     "kg/MWh (M); no listed sites, home of the TSMC/OSAT supply lines; cost multiplier 1.0 (L)"),
    ("BR", "Brazil", 95, 100, 1.3, 0.75,
     "ANEEL 2024: free-market industrial ~R$500/MWh ≈ $95/MWh (L/M); Ember 2024: ~100 kg/MWh, "
     "hydro and wind (M); São Paulo ~$8.8/W vs US $11.7/W (T&T 2025 est., L)"),
]

# name, vendor, first year, USD/unit, price change/yr, chip TDP kW, all-in kW (None: TDP × 1.82),
# dense BF16 PFLOP/s, HBM GB, units per packaging wafer, units per logic wafer, life yr, source.
# Per packaging wafer: ~29 packages for a CoWoS-S H100-size interposer, ~14–16 for two-die
# CoWoS-L (Blackwell), fewer for bigger interposers (secondary 2024–25 estimates, M/L). Per logic
# wafer: ~30 good reticle-size dies (~60 candidates at ~50 % yield, estimate) ÷ compute dies per
# package. Lives: Microsoft/Alphabet 6 yr, Meta 5.5, Amazon 5 (10-Ks 2025).
ACCELERATORS = [
    ("H100", "Nvidia", 2023, 28_000, -0.15, 0.70, None, 0.989, 80, 29, 30, 5.5,
     "Nvidia H100 SXM datasheet 2022 (0.989 PF BF16, 80 GB); Epoch 2024: $25–33.6k, chip "
     "price excl. server share (M)"),
    ("H200", "Nvidia", 2024, 32_000, -0.12, 0.70, None, 0.989, 141, 29, 30, 5.5,
     "Nvidia H200 datasheet 2024 (141 GB HBM3e, same die as H100); price ~$30–35k secondary 2024 "
     "(L)"),
    ("B200", "Nvidia", 2025, 37_500, -0.10, 1.00, None, 2.25, 192, 15, 15, 5.5,
     "Nvidia HGX B200 datasheet 2024 (4.5 PF BF16 sparse → 2.25 dense, 192 GB); price $35–40k "
     "(Nvidia CEO via CNBC 2024, M)"),
    ("GB200", "Nvidia", 2025, 3_400_000 / 72, -0.08, 1.20, 132 / 72, 2.5, 192, 15, 15, 5.5,
     "Nvidia GB200 NVL72 2024 (180 PF BF16 dense/72 GPUs); derived: $3.4M rack / 72 ≈ $47.2k "
     "all-in IT per GPU (Bernstein/Epoch 2025, M); 132 kW rack / 72 ≈ 1.83 kW per GPU; chip TDP "
     "1.2 kW (Epoch ML hardware 2025, H)"),
    ("GB300", "Nvidia", 2025, 3_850_000 / 72, -0.05, 1.40, 140 / 72, 2.5, 288, 14, 15, 5.5,
     "Nvidia GB300 NVL72 2025 (BF16 as GB200, 288 GB HBM3e); derived: ~$3.7–4.0M rack / 72 ≈ "
     "$53k (secondary 2025, L); ~140 kW rack / 72 ≈ 1.95 kW (est. from 120–132 kW GB200, L); "
     "chip TDP 1.4 kW (Epoch ML hardware 2025, H)"),
    ("Rubin", "Nvidia", 2026, 60_000, -0.05, 1.80, None, 4.0, 288, 12, 15, 5.5,
     "Nvidia GTC 2025: Vera Rubin H2-2026, 288 GB HBM4 (H); ~1.8 kW TDP, ~4 PF BF16 dense, $60k "
     "and 12 per CoWoS-L wafer are estimates (L)"),
    ("MI300X", "AMD", 2024, 15_000, -0.15, 0.75, None, 1.307, 192, 16, 55, 5.5,
     "AMD MI300X datasheet 2023 (1.307 PF BF16, 192 GB); ~$15k (Epoch/Bernstein 2024, M); 8 XCD "
     "chiplets per package → ~55 per logic wafer (est., L)"),
    ("MI355X", "AMD", 2025, 25_000, -0.08, 1.40, None, 2.5, 288, 16, 55, 5.5,
     "AMD MI355X datasheet 2025 (5.0 PF FP16 sparse → 2.5 dense, 288 GB); ~$25k secondary 2025 "
     "(L); 8 XCD chiplets per package (est., L)"),
    ("TPU v6e", "Google", 2024, 10_000, -0.10, 0.38, None, 0.918, 32, 40, 45, 6.0,
     "Google Cloud 2024: Trillium 918 TF BF16, 32 GB (H); Epoch 2025: 380 W TDP (H); no list "
     "price — $10k is an estimate (L)"),
    ("TPU v7", "Google", 2025, 20_000, -0.05, 0.96, None, 2.3, 192, 15, 20, 6.0,
     "Google 2025: Ironwood 4.6 PF FP8 → ~2.3 PF BF16, 192 GB HBM3e (H); Epoch 2025: 960 W TDP "
     "(H); two dies per package; price estimate (L)"),
    ("Trainium2", "AWS", 2024, 12_000, -0.10, 0.50, None, 0.667, 96, 22, 25, 5.0,
     "AWS 2024: Trainium2 667 TF BF16 dense, 96 GB (H); Epoch 2025: 500 W TDP (H); two compute "
     "dies per package; price estimate (L)"),
    ("Ascend 910C", "Huawei", 2025, 28_000, -0.05, 0.85, 559 / 384, 0.78, 128, 15, 15, 5.0,
     "SemiAnalysis 2025: ~780 TF BF16, 128 GB; derived: CloudMatrix 384 ~559 kW / 384 chips ≈ "
     "1.46 kW all-in; ~¥200k price (press 2025); chip TDP ~0.85 kW (est.); all L"),
]

# Sites: name, operator, region, status, accelerator, PUE, utilisation, completion probability,
# lead time (yr), source, phases [(MW, year, quarter, note)]. MW is facility MW unless the note
# starts with "IT"; IT MW = facility MW / site PUE. "Epoch" = Epoch AI data-center hub (2026).
UC, ANN, OP = SiteStatus.UNDER_CONSTRUCTION, SiteStatus.ANNOUNCED, SiteStatus.OPERATIONAL
SITES = [
    ("Stargate Abilene", "Oracle / OpenAI / Crusoe", "US", UC, "GB200", 1.2, 0.75, 0.9, 2.0,
     "Epoch 2026: 147 MW (6/25) → 2,121 MW (3/27), $32.3B at 1.18 GW (H/M); GB200 (Oracle 2025)",
     [(147, 2025, 2, "Epoch: 147 MW by 6/25"), (148, 2025, 3, "Epoch: 295 MW by 9/25"),
      (295, 2026, 2, "Epoch: 590 MW by 4/26"), (590, 2026, 3, "Epoch: 1,180 MW by 7/26"),
      (941, 2027, 1, "Epoch: 2,121 MW by 3/27")]),
    ("xAI Colossus 1", "xAI", "US", OP, "H100", 1.2, 0.8, 1.0, 1.0,
     "Epoch 2026: ~150 MW with 100k H100 (2024) → ~498 MW (11/25), $15.1B (H); H200/GB200 added "
     "later (xAI 2025), modelled as H100",
     [(150, 2024, 3, "xAI 9/2024: 100k H100, ~150 MW"), (199, 2025, 1, "Epoch: ~349 MW by 2/25"),
      (149, 2025, 4, "Epoch: ~498 MW by 11/25")]),
    ("xAI Colossus 2", "xAI", "US", UC, "GB200", 1.2, 0.8, 0.9, 1.5,
     "Epoch 2026: 276 MW (10/25) → ~1.38 GW (2/26), $44B (M); GB200/GB300 (xAI 2025)",
     [(276, 2025, 4, "Epoch: 276 MW by 10/25"), (1104, 2026, 1, "Epoch: ~1,380 MW by 2/26")]),
    ("Meta Prometheus", "Meta", "US", UC, "GB200", 1.1, 0.75, 0.9, 2.0,
     "Epoch 2026: 691 MW (11/25) → 1,360 MW (10/26), $43B (H/M); Meta new builds PUE 1.09 (2024)",
     [(691, 2025, 4, "Epoch: 691 MW by 11/25"), (669, 2026, 4, "Epoch: 1,360 MW by 10/26")]),
    ("Meta Hyperion", "Meta / Blue Owl", "US", UC, "Rubin", 1.1, 0.75, 0.85, 2.0,
     "Meta 2025: 2 GW by 2030, later 5 GW, $27B JV (H); Epoch 2026: ~2,262 MW by 1/2028, $72B; "
     "Rubin assumed for 2027+ deliveries (L)",
     [(1131, 2027, 4, "half of Epoch's 2,262 MW by 1/2028; the split is an assumption (L)"),
      (1131, 2028, 1, "Epoch: ~2,262 MW by 1/2028")]),
    ("Microsoft Fairwater Wisconsin", "Microsoft", "US", UC, "GB200", 1.15, 0.75, 0.9, 2.0,
     "Epoch 2026: 555 MW (3/26) → 3.3 GW (9/27) (H/M); Microsoft 2025: $7.3B announced, GB200",
     [(555, 2026, 1, "Epoch: 555 MW by 3/26"), (2745, 2027, 3, "Epoch: 3.3 GW by 9/27")]),
    ("Microsoft Fairwater Atlanta", "Microsoft", "US", UC, "GB200", 1.15, 0.75, 0.9, 1.5,
     "Epoch 2026: 615 MW (8/25) → 1,065 MW (3/26), $29B (M); GB200/GB300 (Microsoft 11/2025)",
     [(615, 2025, 3, "Epoch: 615 MW by 8/25"), (450, 2026, 1, "Epoch: 1,065 MW by 3/26")]),
    ("Amazon Rainier", "Amazon (for Anthropic)", "US", UC, "Trainium2", 1.2, 0.8, 0.9, 2.0,
     "Epoch 2026: ~1,229 MW by 6/26 (H); Amazon 2025: $11B, >1M Trainium2",
     [(546, 2025, 4, "derived: ~500k Trainium2 active 10/2025 (Amazon) × 0.91 kW × PUE 1.2"),
      (683, 2026, 2, "Epoch: ~1,229 MW by 6/26")]),
    ("Crusoe Goodnight", "Crusoe", "US", ANN, "GB300", 1.2, 0.75, 0.7, 2.0,
     "Epoch 2026: ~928 MW by 7/27, $27.6B (M); phase split and GB300 assumed (L)",
     [(464, 2026, 4, "half of Epoch's 928 MW, assumed (L)"),
      (464, 2027, 3, "Epoch: ~928 MW by 7/27")]),
    ("CoreWeave Helios", "CoreWeave / Galaxy", "US", UC, "GB300", 1.25, 0.75, 0.85, 1.5,
     "Epoch 2026: 200 MW H1-26, 600 MW end-27, 800 MW 2028, $20B (M); GB300 assumed (L)",
     [(200, 2026, 2, "Epoch: 200 MW H1-26"), (400, 2027, 4, "Epoch: 600 MW end-27"),
      (200, 2028, 2, "Epoch: 800 MW 2028")]),
    ("Stargate UAE", "G42 / OpenAI / Oracle", "AE", UC, "GB300", 1.35, 0.75, 0.9, 1.5,
     "OpenAI/G42 5/2025: 1 GW as 5 × 200 MW, first 200 MW Q3-26 (H); Epoch 2026: $38B at 1.4 GW; "
     "GB300 (Nvidia 2025)",
     [(200, 2026, 3, "first 200 MW Q3-26 (OpenAI 2025)")]),
    ("Stargate UAE expansion", "G42 / OpenAI / Oracle", "AE", ANN, "GB300", 1.35, 0.75, 0.6, 1.5,
     "OpenAI/G42 5/2025: remaining 4 × 200 MW of the 1 GW over ~3 years (H); even spacing "
     "assumed (L)",
     [(200, 2027, 2, "2nd 200 MW block"), (200, 2027, 4, "3rd 200 MW block"),
      (200, 2028, 3, "4th 200 MW block"), (200, 2029, 2, "5th 200 MW block")]),
    ("Stargate Norway", "Nscale / Aker", "NO", UC, "GB300", 1.15, 0.8, 0.85, 1.5,
     "Nscale/Aker/OpenAI 7/2025: 230 MW + 290 MW expansion, 100k Nvidia GPUs by end-2026, "
     "~$1B first 20 MW (H)",
     [(230, 2026, 4, "230 MW initial (Nscale 2025)"),
      (290, 2028, 2, "290 MW expansion; year assumed (L)")]),
    ("OpenAI+Tata HyperVault", "TCS HyperVault / OpenAI", "IN", ANN, "GB300", 1.35, 0.75, 0.7, 1.5,
     "OpenAI/Tata 2026: 100 MW first phase, scaling to 1 GW, ~$2B platform (H capacity); first "
     "phase ~late 2027 (L)",
     [(100, 2027, 4, "100 MW first phase (OpenAI/TCS 2026)")]),
    ("OpenAI+Tata HyperVault scale-up", "TCS HyperVault / OpenAI", "IN", ANN, "Rubin", 1.35, 0.75,
     0.35, 2.0,
     "OpenAI/Tata 2026: scaling 100 MW → 1 GW (H ambition); phasing of the other 900 MW "
     "assumed (L)",
     [(300, 2028, 4, "assumed (L)"), (300, 2029, 4, "assumed (L)"),
      (300, 2030, 4, "reaches 1 GW with phase 1 (OpenAI/TCS 2026)")]),
    ("Google Vizag AI hub", "Google / AdaniConneX / Airtel", "IN", ANN, "TPU v7", 1.3, 0.75, 0.7,
     2.0,
     "Google 10/2025: gigawatt-scale AI hub in Visakhapatnam, $15B over 2026–30 (H); phasing and "
     "TPU v7 assumed (L)",
     [(250, 2027, 2, "assumed (L)"), (350, 2028, 4, "assumed (L)"),
      (400, 2030, 2, "1 GW total (Google 2025)")]),
    ("Reliance Jamnagar", "Reliance / Jio", "IN", ANN, "GB300", 1.35, 0.75, 0.5, 2.0,
     "Reliance AGM 2025: 1 GW AI DC at Jamnagar (up to 3 GW reported), ~2027, $20–30B (M/L); "
     "Nvidia Blackwell (Reliance–Nvidia 2024)",
     [(500, 2027, 4, "first half of 1 GW ~2027 (M/L)"), (500, 2029, 4, "assumed (L)")]),
    ("SK–AWS Ulsan", "SK Group / AWS", "KR", UC, "GB300", 1.3, 0.75, 0.85, 1.5,
     "SK/AWS 6/2025: 41 MW (11/27), 103 MW (2/29), 1 GW ambition, ~$5.1B (H); accelerator assumed "
     "(L)",
     [(41, 2027, 4, "41 MW by 11/27"), (62, 2029, 1, "103 MW by 2/29")]),
    ("SoftBank Sakai", "SoftBank", "JP", UC, "GB200", 1.3, 0.75, 0.9, 1.0,
     "SoftBank 2025: ex-Sharp Sakai plant, 150 MW → >240 MW from 2026, ~$0.7B site (H)",
     [(150, 2026, 2, "150 MW in 2026 (SoftBank 2025)"),
      (90, 2027, 4, ">240 MW; year assumed (L)")]),
    ("SoftBank Tomakomai", "SoftBank", "JP", UC, "GB300", 1.2, 0.75, 0.85, 1.5,
     "SoftBank 2025: Tomakomai (Hokkaido) 50 MW in FY2026 → >300 MW, ¥65B (H)",
     [(50, 2026, 4, "50 MW in FY2026"), (250, 2029, 4, ">300 MW; year assumed (L)")]),
    ("HUMAIN Riyadh and Dammam", "HUMAIN", "SA", UC, "GB300", 1.35, 0.75, 0.9, 1.5,
     "HUMAIN 5/2025: ~100 MW in Riyadh and Dammam from Q2-26; 18k GB300 first (Nvidia 5/2025) (M)",
     [(100, 2026, 2, "~100 MW Q2-26 (HUMAIN 2025)")]),
    ("HUMAIN AMD 500 MW", "HUMAIN / AMD", "SA", ANN, "MI355X", 1.35, 0.7, 0.6, 1.5,
     "AMD/HUMAIN 5/2025: 500 MW of AMD compute over five years, $10B (M); MI355X stands in for "
     "later AMD parts (L)",
     [(100, 2027, 2, "assumed (L)"), (200, 2028, 2, "assumed (L)"), (200, 2029, 2, "assumed (L)")]),
    ("HUMAIN 1.9 GW programme", "HUMAIN", "SA", ANN, "Rubin", 1.35, 0.75, 0.4, 2.0,
     "HUMAIN 2025: 1.9 GW by 2030 (M); the ~1.3 GW beyond the first sites and AMD 500 MW, phasing "
     "assumed (L)",
     [(400, 2028, 4, "assumed (L)"), (400, 2029, 4, "assumed (L)"),
      (500, 2030, 4, "1.9 GW by 2030 (HUMAIN 2025)")]),
    ("DataVolt Oxagon", "DataVolt / NEOM", "SA", ANN, "Rubin", 1.3, 0.75, 0.4, 2.0,
     "DataVolt/NEOM 2/2025: 1.5 GW net-zero AI campus at Oxagon, first 300 MW 2028, $5B (M)",
     [(300, 2028, 4, "first 300 MW 2028 (DataVolt 2025)"), (600, 2029, 4, "assumed (L)"),
      (600, 2030, 4, "1.5 GW total (DataVolt 2025)")]),
    ("Scala AI City", "Scala Data Centers", "BR", ANN, "GB300", 1.3, 0.7, 0.6, 1.5,
     "Scala 9/2024: AI City at Eldorado do Sul, 54 MW IT phase 1 (~$0.5B), up to 4.75 GW (H); "
     "timing and second phase assumed (L)",
     [(54, 2027, 2, "IT MW: phase 1 (Scala 2024); year assumed (L)"),
      (500, 2030, 4, "toward 4.75 GW; size assumed (L)")]),
    ("ByteDance Pecém", "ByteDance / Casa dos Ventos", "BR", ANN, "B200", 1.3, 0.7, 0.6, 2.0,
     "Reuters 2025: ByteDance DC at Pecém (Ceará), 300 MW initial 2027, up to ~1 GW, ~$37.7B to "
     "2035 (H); B200 assumed (L)",
     [(300, 2027, 4, "300 MW initial 2027"), (300, 2030, 4, "toward ~1 GW; assumed (L)")]),
    *[
        (f"EU AI gigafactory {letter}", "InvestAI consortium", "EU", ANN, "GB300", 1.2, 0.75, 0.5,
         2.0,
         "European Commission 2/2025 InvestAI: €20B for 4–5 AI gigafactories of ~100k chips (H); "
         "site and timing open (call 2026, L); derived: 100k × 1.95 kW ≈ 195 MW IT ≈ 230 MW "
         "facility",
         [(230, year, quarter, "one gigafactory of ~100k chips; year assumed (L)")])
        for letter, year, quarter in (("A", 2027, 4), ("B", 2028, 2), ("C", 2028, 4),
                                      ("D", 2029, 2))
    ],
    ("China hub Inner Mongolia (illustrative)", "various", "CN", UC, "Ascend 910C", 1.25, 0.6, 0.4,
     1.5,
     "illustrative, L: NDRC 'East Data, West Computing' hub (2022); IEA 2025: China DC use "
     "102 → 277 TWh 2024–30; size and timing assumed",
     [(300, 2025, 4, "illustrative (L)"), (300, 2027, 4, "illustrative (L)")]),
    ("China hub Ningxia Zhongwei (illustrative)", "various", "CN", UC, "Ascend 910C", 1.25, 0.6,
     0.4, 1.5,
     "illustrative, L: NDRC 'East Data, West Computing' hub (2022); size and timing assumed",
     [(200, 2026, 2, "illustrative (L)"), (300, 2028, 2, "illustrative (L)")]),
    ("China hub Guizhou Gui'an (illustrative)", "various", "CN", ANN, "Ascend 910C", 1.25, 0.6,
     0.4, 1.5,
     "illustrative, L: NDRC 'East Data, West Computing' hub (2022); size and timing assumed",
     [(200, 2026, 4, "illustrative (L)"), (200, 2029, 2, "illustrative (L)")]),
]

# Supply lines: name, owner, region, kind, {year: capacity}, AI share, yield, source.
# Packaging: end-of-year CoWoS-class wafers/month × 12 (mid-points of the ranges; 2028–30
# extrapolated).
COWOS_WPM = {2024: 35_000, 2025: 72_000, 2026: 110_000, 2027: 150_000, 2028: 185_000,
             2029: 210_000, 2030: 230_000}
OSAT_WPM = {2024: 3_000, 2025: 6_000, 2026: 10_000, 2027: 14_000, 2028: 17_000, 2029: 20_000,
            2030: 22_000}
# Logic: node wafers/month × 12 × assumed AI-accelerator share in that year (line ai_share = 1).
N5_WPM, N5_AI = 150_000, {2024: 0.35, 2025: 0.45, 2026: 0.45, 2027: 0.40, 2028: 0.35, 2029: 0.30,
                          2030: 0.25}
N3_WPM = {2024: 100_000, 2025: 130_000, 2026: 160_000, 2027: 180_000, 2028: 200_000,
          2029: 200_000, 2030: 200_000}
N3_AI = {2024: 0.05, 2025: 0.10, 2026: 0.25, 2027: 0.35, 2028: 0.40, 2029: 0.45, 2030: 0.45}
N2_WPM = {2024: 0, 2025: 45_000, 2026: 100_000, 2027: 200_000, 2028: 200_000, 2029: 220_000,
          2030: 240_000}
N2_AI = 0.10
# HBM: TSV wafers/month at year end × 12 × sellable GB per TSV wafer. Assumption: ~330 good DRAM
# dies per wafer (a ~110 mm² die) × 2 GB (16 Gb HBM3) in 2024, × 3 GB (24 Gb HBM3E/HBM4) from
# 2025, denser HBM4 from 2027 (L); stacking/qualification losses go into the line's yield.
HBM_GB_PER_WAFER = {2024: 700, 2025: 900, 2026: 1000, 2027: 1100, 2028: 1200, 2029: 1250,
                    2030: 1300}
HBM_TSV_WPM = {
    "SK hynix": {2024: 120_000, 2025: 150_000, 2026: 180_000, 2027: 210_000, 2028: 240_000,
                 2029: 260_000, 2030: 280_000},
    "Samsung": {2024: 130_000, 2025: 165_000, 2026: 180_000, 2027: 200_000, 2028: 220_000,
                2029: 240_000, 2030: 250_000},
    "Micron": {2024: 20_000, 2025: 60_000, 2026: 90_000, 2027: 110_000, 2028: 130_000,
               2029: 150_000, 2030: 160_000},
}
HBM_YIELD = {"SK hynix": 0.75, "Samsung": 0.55, "Micron": 0.65}


def _per_year(per_month: Mapping[int, float], factor: Mapping[int, float] | float = 1.0) -> dict:
    scale = factor if isinstance(factor, Mapping) else dict.fromkeys(YEARS, factor)
    return {y: round(per_month[y] * 12 * scale[y]) for y in YEARS}


def _supply_rows() -> list[tuple]:
    kp, kl, kh = SupplyKind.PACKAGING, SupplyKind.LOGIC, SupplyKind.HBM
    rows = [
        ("TSMC CoWoS", "TSMC", "TW", kp, _per_year(COWOS_WPM), 0.8, 0.85,
         "TrendForce/Morgan Stanley/JPM/Citi via secondary, 2025: CoWoS 32–40k wafers/month "
         "end-24, 65–80k end-25, 90–130k end-26, ~150–167k 2027 (M); 2028–30 extrapolated (L); "
         "wafers/yr = wpm × 12; AI share 0.8 (rest networking/HPC) and yield 0.85 are estimates"),
        ("OSAT CoWoS-class (ASE/SPIL, Amkor)", "ASE / Amkor", "TW", kp, _per_year(OSAT_WPM), 0.8,
         0.85,
         "secondary 2025: OSATs add ~10 % to TSMC's CoWoS-class output (L); wafers/yr = wpm × 12"),
        ("TSMC N5/N4 (AI share)", "TSMC", "TW", kl, _per_year(dict.fromkeys(YEARS, N5_WPM), N5_AI),
         1.0, 1.0,
         "secondary 2024: N5-family ~150k wafers/month (M); derived: × 12 × AI-accelerator share "
         "0.35–0.45 (est., L); good dies counted in units per logic wafer, so yield 1"),
        ("TSMC N3 (AI share)", "TSMC", "TW", kl, _per_year(N3_WPM, N3_AI), 1.0, 1.0,
         "secondary 2024: N3 ~100k wafers/month (M), growth to 2030 assumed (L); derived: × 12 × "
         "AI share rising 0.05 → 0.45 as accelerators move to N3 (est., L)"),
        ("TSMC N2 (AI share)", "TSMC", "TW", kl, _per_year(N2_WPM, N2_AI), 1.0, 1.0,
         "secondary 2025: N2 40–50k wafers/month end-25 → ~100k end-26 → ~200k 2027–28 (M); "
         "derived: × 12 × AI share 0.10 (est., L)"),
    ]
    hbm_notes = {
        "SK hynix": "TrendForce/Etnews 2025: TSV ~120k wafers/month end-24, 150k 2025 (M); "
                    "62 % HBM share Q2-25 (Counterpoint, H)",
        "Samsung": "TrendForce/Etnews 2025: TSV ~130k wafers/month end-24, 160–170k 2025 (M); "
                   "low yield reflects slow HBM3E qualification (L)",
        "Micron": "secondary 2025: TSV ~20k wafers/month end-24 → ~60k end-25 (L/M); 21 % HBM "
                  "share Q2-25 (Counterpoint, H)",
    }
    for owner, wpm in HBM_TSV_WPM.items():
        gb = {y: wpm[y] * 12 * HBM_GB_PER_WAFER[y] for y in YEARS}
        rows.append((f"{owner} HBM", owner, "TW" if owner == "Micron" else "KR", kh, gb, 0.9,
                     HBM_YIELD[owner],
                     f"{hbm_notes[owner]}; later years extrapolated (L); derived: GB/yr = wpm × 12 "
                     "× 700–1,300 GB per TSV wafer (~330 good dies × 2–3 GB, est.); AI share 0.9"))
    return rows


def _regions() -> list[Region]:
    return [Region(code=code, name=name, electricity_price_usd_per_mwh=price,
                   grid_carbon_kg_per_mwh=carbon, default_pue=pue,
                   facility_cost_multiplier=round(mult, 3), source=source)
            for code, name, price, carbon, pue, mult, source in REGIONS]


def _accelerators() -> list[Accelerator]:
    out = []
    for (name, vendor, first, price, change, tdp, all_in, pflops, hbm, per_pkg, per_logic, life,
         source) in ACCELERATORS:
        if all_in is None:
            all_in = tdp * SERVER_FACTOR
            source += (f"; derived: {tdp:g} kW TDP (Epoch 2025 unless marked) × {SERVER_FACTOR} "
                       "server/network factor (Epoch energy model)")
        out.append(Accelerator(
            name=name, vendor=vendor, first_year=first, unit_price_usd=round(price),
            price_change_per_year=change, power_kw=round(all_in, 3), chip_tdp_kw=tdp,
            pflops_dense=pflops,
            hbm_gb=hbm, units_per_packaging_wafer=per_pkg, units_per_logic_wafer=per_logic,
            service_life_years=life, source=source))
    return out


def _sites_and_phases() -> tuple[list[Site], list[Phase]]:
    sites, phases = [], []
    for (name, operator, region, status, accel, pue, util, prob, lead, source,
         steps) in SITES:
        sites.append(Site(name=name, operator=operator, region=region, status=status,
                          accelerator=accel, pue=pue, utilisation=util,
                          completion_probability=prob, source=source))
        for i, (mw, year, quarter, note) in enumerate(steps, 1):
            it_mw: float
            if note.startswith("IT"):
                it_mw, how = mw, f"{note}; {mw:g} MW IT as published"
            else:
                it_mw = round(mw / pue, 1)
                how = f"{note}; derived: {mw:g} MW facility / PUE {pue:g} = {it_mw:g} MW IT"
            phases.append(Phase(site=name, name=f"Phase {i}", capacity_mw=it_mw, online_year=year,
                                online_quarter=quarter, lead_time_years=lead,
                                source=f"{how}; site: {source.split(';')[0]}"))
    return sites, phases


def _supply_lines() -> list[SupplyLine]:
    return [SupplyLine(name=name, owner=owner, region=region, kind=kind, capacity_by_year=cap,
                       ai_share=ai, yield_fraction=yld, source=source)
            for name, owner, region, kind, cap, ai, yld, source in _supply_rows()]


def _scenarios() -> list[Scenario]:
    mul, shift, put, ov = Operation.MULTIPLY, Operation.SHIFT_YEARS, Operation.SET, Override
    baseline = Scenario(
        name="Baseline",
        description="Announced projects on their published schedules; supply per analyst ranges.",
        uncertainties=[
            Uncertainty("Accelerator price", "accelerator:*", "unit_price_usd",
                        Distribution("lognormal", (1.0, 0.2))),
            # Operational capacity is not delayed; announced projects slip more (assumption).
            Uncertainty("Delay, under construction", "phase[status=under_construction]",
                        "online_year", Distribution("triangular", (0.0, 0.5, 2.0)),
                        Operation.SHIFT_YEARS, per_entity=True),
            Uncertainty("Delay, announced", "phase[status=announced]", "online_year",
                        Distribution("triangular", (0.0, 1.0, 3.0)), Operation.SHIFT_YEARS,
                        per_entity=True),
            Uncertainty("Packaging capacity", "supply_line[kind=packaging]", "capacity_by_year",
                        Distribution("pert", (0.7, 1.0, 1.2))),
            Uncertainty("HBM capacity", "supply_line[kind=hbm]", "capacity_by_year",
                        Distribution("lognormal90", (0.8, 1.2))),
            Uncertainty("Electricity price", "region:*", "electricity_price_usd_per_mwh",
                        Distribution("lognormal90", (0.8, 1.3))),
            Uncertainty("Phase capacity", "phase:*", "capacity_mw",
                        Distribution("triangular", (0.7, 1.0, 1.15)), per_entity=True),
        ],
        # Both ride the same AI capex cycle (assumption).
        correlations=[Correlation("Packaging capacity", "HBM capacity", 0.5)],
    )
    packaging = Scenario(
        name="Packaging constrained to 2027", parent="Baseline",
        description="CoWoS-class output stays ~25 % short through 2027.",
        overrides=[
            ov("supply_line[kind=packaging]", "capacity_by_year", mul, 0.75, 2025, 2027,
               note="analysts 2025: shortage through 2027, ~23 % gap, 12–18-month lead times "
                    "(L/M)"),
            ov("accelerator:*", "unit_price_usd", mul, 1.1, 2025, 2027,
               note="scarcity premium of 10 %, assumption (L)"),
        ])
    sovereign = Scenario(
        name="Sovereign buildout", parent="Baseline",
        description="India scales 100 MW → 1 GW (OpenAI+Tata HyperVault); the Gulf builds out "
                    "Stargate UAE, HUMAIN and DataVolt on time, served first.",
        overrides=[
            *[ov(f"site[region={code}]", "completion_probability", put, p,
                 note=f"sovereign programme backing ({src})") for code, p, src in (
                ("IN", 0.9, "OpenAI/Tata 2026: 100 MW → 1 GW"),
                ("AE", 0.9, "OpenAI/G42 2025: 1 GW Stargate UAE"),
                ("SA", 0.85, "HUMAIN 1.9 GW by 2030; DataVolt 1.5 GW, 2025"))],
            *[ov(f"phase[site={site}]", "online_year", shift, -1, note="pulled forward a year (L)")
              for site in ("OpenAI+Tata HyperVault scale-up", "Stargate UAE expansion",
                           "HUMAIN 1.9 GW programme", "DataVolt Oxagon")],
            *[ov(f"region:{code}", "allocation_priority", put, 1,
                 note="served first under supply constraints (assumption)")
              for code in ("IN", "AE", "SA")],
        ])
    glut = Scenario(
        name="Supply glut", parent="Baseline",
        description="Packaging, logic and HBM overshoot by 50 %; prices fall 20 % from 2027.",
        overrides=[
            *[ov(f"supply_line[kind={kind}]", "capacity_by_year", mul, 1.5,
                 note="capacity overshoot, assumption (L)")
              for kind in ("packaging", "logic", "hbm")],
            ov("accelerator:*", "unit_price_usd", mul, 0.8, 2027, None,
               note="price war once supply overshoots, assumption (L)"),
        ])
    return [baseline, packaging, sovereign, glut]


def build_sample_model() -> Model:
    """A fresh copy of the "2026 buildout" sample (callers may edit it freely)."""
    sites, phases = _sites_and_phases()
    return Model(settings=copy.copy(SETTINGS), regions=_regions(), accelerators=_accelerators(),
                 sites=sites, phases=phases, supply_lines=_supply_lines(), scenarios=_scenarios())


# --- Hand calibration (the engine's arithmetic, simplified: no quarters, caps or retirements) ---

def scenario_view(model: Model, scenario: str) -> Model:
    """A copy of ``model`` with the numeric overrides of ``scenario`` and its parents applied."""
    chain: list[Scenario] = []
    name: str | None = scenario
    while name is not None:
        s = model.scenario(name)
        if s is None:  # was an AttributeError on None; the sample's scenarios all exist
            raise KeyError(f"no scenario {name!r}")
        chain.insert(0, s)
        name = s.parent
    view = copy.deepcopy(model)
    for s in chain:
        for o in s.overrides:
            selector = parse_selector(o.selector)
            for row in resolve(view, selector):
                _apply(row, o, selector.entity)
    return view


def _combine(old: float, op: Operation, value: float) -> float:
    return {Operation.SET: value, Operation.MULTIPLY: old * value, Operation.ADD: old + value,
            Operation.SHIFT_YEARS: old + value}[op]


def _apply(row: Any, o: Override, entity: str) -> None:
    lo = o.year_from if o.year_from is not None else -10**6
    hi = o.year_to if o.year_to is not None else 10**6
    if o.field == "capacity_by_year":
        row.capacity_by_year = {y: _combine(c, o.operation, o.value) if lo <= y <= hi else c
                                for y, c in row.capacity_by_year.items()}
    elif entity == "phase" and not lo <= row.online_year <= hi:
        return
    elif entity == "phase" or (o.year_from is None and o.year_to is None):
        new = _combine(getattr(row, o.field), o.operation, o.value)
        setattr(row, o.field, round(new) if o.field == "online_year" else new)
    # year-restricted prices are time series in the engine; the demand arithmetic ignores them


def calibration_table(model: Model, scenario: str = "Baseline",
                      expected: bool = True) -> list[dict]:
    """Per year: accelerators demanded, supply per kind, deliverable and delivered (with backlog).

    Demand is ``capacity_mw * 1000 / power_kw`` in the online year, × completion probability when
    ``expected`` (as the engine counts it); supply per kind is the lines' capacity × AI share ×
    yield × supply share, converted with the demand-weighted need per accelerator (wafers or GB
    per unit). Simplified: no quarters, region caps, priorities or retirements.
    """
    m = scenario_view(model, scenario)
    accel = {a.name: a for a in m.accelerators}
    sites = {s.name: s for s in m.sites}
    rows, backlog = [], 0.0
    for year in range(m.settings.base_year, m.settings.horizon_year + 1):
        want: dict[str, float] = {}
        for p in m.phases:
            s = sites[p.site]
            if p.online_year == year:
                units = p.capacity_mw * 1000 / accel[s.accelerator].power_kw
                want[s.accelerator] = want.get(s.accelerator, 0.0) + units * (
                    s.completion_probability if expected else 1.0)
        demand = sum(want.values())
        mix = {a: u / demand for a, u in want.items()} if demand else {a: 1 / len(accel)
                                                                       for a in accel}
        need = {  # wafers or GB per accelerator, demand-weighted
            SupplyKind.PACKAGING: sum(w / accel[a].units_per_packaging_wafer
                                      for a, w in mix.items()),
            SupplyKind.LOGIC: sum(w / accel[a].units_per_logic_wafer for a, w in mix.items()),
            SupplyKind.HBM: sum(w * accel[a].hbm_gb for a, w in mix.items()),
        }
        row: dict[str, Any] = {"year": year, "demand": demand, "backlog_in": backlog}
        for kind, per_unit in need.items():
            raw = sum(line.capacity_in(year) * line.ai_share * line.yield_fraction
                      for line in m.supply_lines if line.kind == kind)
            row[str(kind)] = raw * m.settings.supply_share_to_model / per_unit
        row["deliverable"] = min(row[str(k)] for k in need)
        row["bottleneck"] = min(need, key=lambda k: row[str(k)]).value
        row["delivered"] = min(demand + backlog, row["deliverable"])
        backlog = demand + backlog - row["delivered"]
        row["binds"] = backlog > 1e-6
        rows.append(row)
    return rows


def format_calibration(rows: list[dict]) -> str:
    head = f"{'year':>4} {'demand':>7} {'backlog':>7} {'packag.':>7} {'logic':>7} {'hbm':>7} " \
           f"{'deliv.':>7}  tightest kind"
    lines = [head]
    for r in rows:
        lines.append(
            f"{r['year']:>4} " + " ".join(f"{r[k] / 1e3:7.0f}" for k in (
                "demand", "backlog_in", "packaging", "logic", "hbm", "delivered"))
            + f"  {r['bottleneck']}{' BINDS' if r['binds'] else ''}")
    return "\n".join(lines) + "\n(thousand accelerators)"


if __name__ == "__main__":
    sample = build_sample_model()
    for name in ("Baseline", "Packaging constrained to 2027", "Supply glut"):
        print(f"\n{name} (demand × completion probability, as the engine counts it)")
        print(format_calibration(calibration_table(sample, name)))
