//! The built-in rules in Italian, Portuguese, Polish and Swedish: every reason, a cause stated
//! before the switch it led to, negation, deaths as circumstances, and Polish without a stemmer.

use crate::{churn, json_of};

/// `(kind, reason)` of `churn explain TEXT`.
fn outcome(text: &str) -> (String, Option<String>) {
    let v = json_of(&["explain", text]);
    let o = &v["outcome"];
    (
        o["kind"].as_str().unwrap().to_string(),
        o["reason"].as_str().map(String::from),
    )
}

fn check(cases: &[(&str, &str)]) {
    let mut wrong = Vec::new();
    for &(text, want) in cases {
        let (kind, reason) = outcome(text);
        let got = reason.unwrap_or(kind);
        if got != want {
            wrong.push(format!("{text:?}: {got}, expected {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn italian_answers_get_every_reason() {
    check(&[
        ("Abbiamo chiuso l'attività a fine anno.", "died"),
        ("La ditta è fallita.", "died"),
        ("Mi sono trasferito all'estero.", "moved"),
        ("Non mi serve più.", "moved"),
        ("Non ne ho più bisogno, lo uso poco.", "moved"),
        ("Un collega mi ha consigliato Fastweb.", "friend_referral"),
        (
            "Passato a Iliad su consiglio di un amico.",
            "friend_referral",
        ),
        ("Ho trovato un'offerta migliore.", "better_product"),
        ("Con Iliad costa meno.", "better_product"),
        ("Troppo caro, e la connessione è lenta.", "dissatisfaction"),
        (
            "Disservizi continui e bollette con addebiti sbagliati.",
            "dissatisfaction",
        ),
        ("Il sinistro è stato respinto due volte.", "dissatisfaction"),
        ("Il servizio clienti non risponde mai.", "indifference"),
        (
            "Operatori maleducati, ore di attesa al telefono.",
            "indifference",
        ),
    ]);
}

#[test]
fn portuguese_answers_get_every_reason() {
    check(&[
        ("Fechamos a empresa no ano passado.", "died"),
        ("A loja faliu.", "died"),
        ("Me mudei para Portugal.", "moved"),
        ("Não preciso mais do serviço.", "moved"),
        ("Um amigo me indicou a Claro.", "friend_referral"),
        ("Vim por indicação da minha irmã.", "friend_referral"),
        ("Encontrei um plano mais barato na Vivo.", "better_product"),
        ("O concorrente tem taxas menores.", "better_product"),
        (
            "O sinal é fraco e a internet vive caindo.",
            "dissatisfaction",
        ),
        (
            "Cobrança indevida na fatura e o estorno nunca veio.",
            "dissatisfaction",
        ),
        (
            "O pedido atrasou e o produto veio com defeito.",
            "dissatisfaction",
        ),
        ("Péssimo atendimento, ninguém resolve nada.", "indifference"),
        (
            "Abri vários protocolos e não recebi nenhuma resposta.",
            "indifference",
        ),
        ("Fiquei horas esperando na linha.", "indifference"),
    ]);
}

#[test]
fn polish_answers_get_every_reason() {
    check(&[
        ("Zamknęliśmy firmę.", "died"),
        ("Firma zbankrutowała.", "died"),
        ("Przeprowadziłem się do innego miasta.", "moved"),
        ("Nie potrzebuję już tej usługi.", "moved"),
        ("Znajomy polecił mi Play.", "friend_referral"),
        ("Przeszedłem z polecenia kolegi.", "friend_referral"),
        ("W Plusie jest taniej.", "better_product"),
        ("Znalazłem lepszą ofertę w innym banku.", "better_product"),
        ("Za drogo, ciągle podwyżki abonamentu.", "dissatisfaction"),
        ("Ciągłe awarie i słaby zasięg.", "dissatisfaction"),
        ("Bank zablokował mi kartę bez powodu.", "dissatisfaction"),
        ("Nikt nie odpowiedział na moją reklamację.", "indifference"),
        (
            "Konsultanci są niemili i nie da się dodzwonić.",
            "indifference",
        ),
        ("Czekałem tygodniami na kontakt.", "indifference"),
    ]);
}

#[test]
fn swedish_answers_get_every_reason() {
    check(&[
        ("Företaget gick i konkurs.", "died"),
        ("Vi har lagt ner företaget.", "died"),
        ("Vi flyttade utomlands.", "moved"),
        ("Behöver det inte längre.", "moved"),
        ("En kompis rekommenderade Tre.", "friend_referral"),
        (
            "Bytte på rekommendation från min syster.",
            "friend_referral",
        ),
        ("Hittade ett billigare abonnemang.", "better_product"),
        (
            "Fick ett bättre erbjudande hos en konkurrent.",
            "better_product",
        ),
        ("För dyrt och dålig täckning.", "dissatisfaction"),
        ("Appen kraschar hela tiden.", "dissatisfaction"),
        ("Premien höjdes vid förnyelsen.", "dissatisfaction"),
        ("Kundtjänst svarade aldrig på mina mejl.", "indifference"),
        ("Otrevlig personal och lång väntetid.", "indifference"),
        (
            "Ingen återkoppling trots att de lovade att ringa.",
            "indifference",
        ),
    ]);
}

#[test]
fn a_cause_stated_before_the_switch_decides() {
    check(&[
        (
            "Ninguém respondeu, então mudei para outra operadora.",
            "indifference",
        ),
        ("Mudei para outra operadora.", "better_product"),
        (
            "Nessuno ha risposto ai reclami, quindi sono passato a Vodafone.",
            "indifference",
        ),
        ("Ho cambiato gestore.", "better_product"),
        (
            "Nikt nie odpowiadał, więc przeszedłem do Orange.",
            "indifference",
        ),
        ("Przeszedłem do innego operatora.", "better_product"),
        ("Ingen svarade, så jag bytte till Telia.", "indifference"),
        ("Bytte till Telia.", "better_product"),
        // A switch after a price complaint is the price.
        ("Troppo caro, ho cambiato operatore.", "dissatisfaction"),
        ("Za drogo, zmieniłem operatora.", "dissatisfaction"),
    ]);
}

#[test]
fn negated_reasons_do_not_count_in_four_more_languages() {
    for (plain, negated) in [
        ("Foi pelo preço.", "Não foi pelo preço."),
        ("Per il prezzo.", "Non per il prezzo."),
        ("Chodzi o cenę.", "Nie chodzi o cenę."),
        ("Det var priset.", "Det var inte priset."),
    ] {
        assert_eq!(
            outcome(plain).1.as_deref(),
            Some("dissatisfaction"),
            "{plain}"
        );
        assert_eq!(outcome(negated).0, "unclassified", "{negated}");
    }
    check(&[
        (
            "Não foi pelo preço, foi porque ninguém respondeu meus e-mails.",
            "indifference",
        ),
        (
            "Non per il prezzo, ma nessuno mi ha mai richiamato.",
            "indifference",
        ),
        (
            "Nie chodzi o cenę, tylko o to, że nikt nie oddzwonił.",
            "indifference",
        ),
        (
            "Inte på grund av priset, men ingen svarade på mina mejl.",
            "indifference",
        ),
        // Negative concord: a negation that is part of the complaint does not cancel it.
        ("Non ho ricevuto nessuna risposta.", "indifference"),
        ("Não recebi nenhuma resposta.", "indifference"),
        ("Nie dostałem żadnej odpowiedzi.", "indifference"),
        ("Har inte fått något svar.", "indifference"),
        // "No longer" is a need that ended, not a negation.
        ("Non lo uso più.", "moved"),
        ("Já não uso.", "moved"),
        ("Już nie korzystam.", "moved"),
        ("Använder det inte längre.", "moved"),
    ]);
}

#[test]
fn deaths_and_family_are_circumstances_closures_are_causes() {
    // A death alone: the hint decides.
    for text in [
        "Il titolare è deceduto.",
        "Meu pai faleceu.",
        "Mąż zmarł.",
        "Min man avled.",
    ] {
        let v = json_of(&["explain", text]);
        assert_eq!(v["outcome"]["reason"], "died", "{text}");
        assert!(
            v["outcome"]["why"]
                .as_str()
                .unwrap()
                .contains("only hints matched"),
            "{text}: {v}"
        );
    }
    // A death as the context of a complaint about the estate: the complaint decides.
    check(&[
        (
            "Mio padre è deceduto e la banca non risponde da mesi.",
            "indifference",
        ),
        (
            "Meu pai faleceu e o banco cobrou taxas indevidas do espólio.",
            "dissatisfaction",
        ),
        (
            "Mama zmarła, a bank nie odpowiada na pisma.",
            "indifference",
        ),
        (
            "Pappa avled och banken svarade aldrig dödsboet.",
            "indifference",
        ),
        // A relative mentioned, the price stated: the price.
        (
            "Mio fratello lavora lì, ma costa troppo.",
            "dissatisfaction",
        ),
        (
            "Minha irmã também saiu, o preço subiu demais.",
            "dissatisfaction",
        ),
        // A business that closed is a phrase, whatever else is said.
        ("Chiusa la partita IVA, non serve più.", "died"),
    ]);
}

#[test]
fn no_answer_forms_in_four_more_languages() {
    for text in [
        "Nessun commento",
        "Não sei",
        "Nie wiem",
        "Ingen kommentar",
        "brak",
    ] {
        assert_eq!(outcome(text).0, "no_answer", "{text}");
    }
}

#[test]
fn polish_rules_match_exact_words_and_prefixes_without_a_stemmer() {
    // Prefixes carry the inflection; a plain word matches only as written; `ł` is read as `l`,
    // so answers typed without Polish letters match too.
    check(&[
        ("rezygnuje bo drogo", "dissatisfaction"),
        ("Zla obsluga, nikt nie odpowiedzial", "indifference"),
        ("przeprowadzka za granice", "moved"),
    ]);
    let v = json_of(&["explain", "Znajomy polecił"]);
    assert_eq!(v["matches"][0]["lang"], "pl");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("churn.toml");
    std::fs::write(
        &path,
        "[[reason]]\nid = \"moved\"\nphrases.pl = [\"przeprowadzk*\", \"wyjazd\"]\n\
         [[benchmark]]\nname = \"flat\"\nshares = { moved = 100 }\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let tag = |text: &str| {
        json_of(&["--config", p, "explain", text])["outcome"]["kind"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(tag("przeprowadzce"), "tagged");
    assert_eq!(tag("wyjazd"), "tagged");
    assert_eq!(tag("wyjazdu"), "unclassified", "no stemming in Polish");
    // An unknown language code is still a clear error.
    std::fs::write(
        &path,
        "[[reason]]\nid = \"moved\"\nphrases.pq = [\"x\"]\n\
         [[benchmark]]\nname = \"flat\"\nshares = { moved = 100 }\n",
    )
    .unwrap();
    let out = churn()
        .args(["taxonomy", "validate", p])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("unknown language `pq`") && text.contains("`pl`"),
        "{text}"
    );
}
