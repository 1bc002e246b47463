//! Deterministic generator of synthetic exit-survey exports, for benchmarks.
//!
//! `cargo run --release --example generate -- ROWS [SEED] [zipf] > export.csv`
//!
//! Columns like a real SaaS export: ids, cancellation date, plan, region, MRR, a Stripe
//! `cancellation_details.feedback` code and a free-text answer in six languages. Answers are
//! built from fragments plus numbers and details, so most of them are unique, as real comments
//! are; about 8% are blank or "n/a", some name two reasons.
//!
//! With `zipf`, answers carry a large vocabulary as real comments do: each reason clause sits
//! among 4 to 40 words drawn from 1,000,000 made-up words with Zipf-distributed frequencies
//! (exponent 1), so most words of the file are rare and most answers are long.

use std::io::{self, BufWriter};

/// xorshift64*: small, fast, reproducible on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const CLAUSES: &[&[&str]] = &[
    // English
    &[
        "too expensive for a team of {n}",
        "the price went up {n}% this year",
        "app crashed {n} times last week",
        "missing features we asked for in ticket #{n}",
        "support never answered ticket #{n}",
        "waited {n} days for a reply",
        "rude agent on the phone",
        "nobody followed up after the demo",
        "switched to a competitor, saves us ${n}/month",
        "found a cheaper alternative",
        "we relocated to another country",
        "no longer need it after project {n} ended",
        "a friend recommended another tool",
        "the business closed after {n} years",
        "too complicated for our {n} staff",
        "sync errors every day",
    ],
    // Dutch
    &[
        "te duur voor {n} gebruikers",
        "de app crasht steeds",
        "klantenservice reageerde {n} dagen niet",
        "overgestapt naar een andere aanbieder",
        "niet meer nodig",
        "bedrijf failliet na {n} jaar",
        "een vriend raadde iets anders aan",
    ],
    // German
    &[
        "zu teuer für {n} Mitarbeiter",
        "ständig Fehler beim Export",
        "keine Antwort vom Kundenservice seit {n} Tagen",
        "zu einem Wettbewerber gewechselt",
        "Umzug ins Ausland",
        "Geschäft aufgegeben",
        "ein Kollege hat etwas anderes empfohlen",
    ],
    // French
    &[
        "trop cher pour {n} utilisateurs",
        "l'application plante souvent",
        "aucune réponse du service client depuis {n} jours",
        "passés chez un concurrent",
        "je n'en ai plus besoin",
        "cessation d'activité",
        "un ami m'a recommandé autre chose",
    ],
    // Spanish
    &[
        "demasiado caro para {n} usuarios",
        "la aplicación es muy lenta",
        "nunca respondieron, esperé {n} días",
        "nos cambiamos a la competencia",
        "ya no lo necesito",
        "cerramos el negocio",
        "mi amigo me recomendó otra aplicación",
    ],
    // Russian
    &[
        "слишком дорого для {n} сотрудников",
        "постоянные сбои",
        "поддержка не отвечает {n} дней",
        "перешли к конкуренту",
        "больше не нужно",
        "компания закрылась",
        "друг посоветовал другой сервис",
    ],
];

const EXTRAS: &[&str] = &[
    "",
    " Thanks anyway.",
    " 😞",
    " (account {n})",
    "!!!",
    " — see my email from {n}",
    " Also: too expensive.",
    " after {n} days",
    " (ticket #{n})",
    ", we had {n} users",
    " since invoice {n}",
    " — order {n}",
];
const BLANKS: &[&str] = &["", "", "n/a", "-", "none", "prefer not to say"];
const CODES: &[&str] = &[
    "",
    "",
    "",
    "",
    "too_expensive",
    "customer_service",
    "switched_service",
    "unused",
    "other",
    "low_quality",
    "missing_features",
    "too_complex",
];
const PLANS: &[(&str, u32)] = &[("Starter", 19), ("Team", 79), ("Business", 249)];
const REGIONS: &[&str] = &["NA", "EU", "LATAM", "APAC", "CIS"];

/// Made-up words with Zipf-distributed frequencies: word `k` (from 1) is drawn with a
/// probability proportional to `1 / k`.
struct Zipf {
    words: Vec<String>,
    /// Cumulative weights, for a binary search.
    cumulative: Vec<f64>,
}

impl Zipf {
    const SIZE: usize = 1_000_000;
    const SYLLABLES: &'static [&'static str] = &[
        "ka", "lo", "mi", "ne", "tur", "vis", "en", "ar", "sto", "pre", "da", "ge", "ri", "wo",
        "ber", "lin", "cha", "ment", "ung", "ous", "que", "ado", "ni", "ze", "fa", "tion", "ij",
    ];
    /// One word in ten is Cyrillic, as in a mixed export.
    const CYRILLIC: &'static [&'static str] = &[
        "ка", "ло", "ми", "не", "тур", "вис", "ен", "ар", "сто", "пре", "да", "ция", "ска",
    ];

    fn new(rng: &mut Rng) -> Zipf {
        let words = (0..Self::SIZE)
            .map(|_| {
                let n = 2 + rng.below(3);
                let syllables = if rng.below(10) == 0 {
                    Self::CYRILLIC
                } else {
                    Self::SYLLABLES
                };
                (0..n).map(|_| rng.pick(syllables)).collect::<String>()
            })
            .collect();
        let mut total = 0.0;
        let cumulative = (1..=Self::SIZE)
            .map(|k| {
                total += 1.0 / k as f64;
                total
            })
            .collect();
        Zipf { words, cumulative }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative[Self::SIZE - 1];
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(Self::SIZE - 1)]
    }

    /// `n` words joined by spaces.
    fn words(&self, n: usize, rng: &mut Rng) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(self.word(rng));
        }
        out
    }
}

/// An answer among made-up words: some before the reason clause, some after.
fn wordy(clause: String, zipf: &Zipf, rng: &mut Rng) -> String {
    let before = rng.below(20);
    let after = 4usize.saturating_sub(before) + rng.below(21);
    format!(
        "{} {clause}. {}",
        zipf.words(before, rng),
        zipf.words(after, rng)
    )
    .trim()
    .to_string()
}

fn fill(template: &str, rng: &mut Rng) -> String {
    template.replace("{n}", &(2 + rng.below(99_998)).to_string())
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_261_122);
    let zipf = (args.next().as_deref() == Some("zipf")).then(|| Zipf::new(&mut Rng(7)));
    let mut rng = Rng(seed | 1);
    let mut out = csv::Writer::from_writer(BufWriter::new(io::stdout().lock()));
    out.write_record([
        "response_id",
        "customer_id",
        "cancelled_at",
        "plan",
        "region",
        "mrr",
        "cancellation_details.feedback",
        "Why did you cancel?",
    ])?;
    for i in 0..rows {
        let (plan, mrr) = PLANS[rng.below(PLANS.len())];
        let answer = if rng.below(100) < 8 {
            rng.pick(BLANKS).to_string()
        } else {
            let lang = CLAUSES[rng.below(CLAUSES.len())];
            let mut a = fill(rng.pick(lang), &mut rng);
            if rng.below(100) < 15 {
                a.push_str(", and ");
                a.push_str(&fill(rng.pick(lang), &mut rng));
            }
            a.push_str(&fill(rng.pick(EXTRAS), &mut rng));
            match &zipf {
                Some(z) => wordy(a, z, &mut rng),
                None => a,
            }
        };
        out.write_record([
            format!("R{i:09}"),
            format!("cus_{:012x}", rng.next() >> 16),
            format!("2026-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            plan.to_string(),
            rng.pick(REGIONS).to_string(),
            format!("{}.00", mrr * (1 + rng.below(3) as u32)),
            rng.pick(CODES).to_string(),
            answer,
        ])?;
    }
    out.flush()
}
