//! The built-in taxonomy: the six reasons of the classic "why customers leave" study (as read by
//! Dan Kennedy), with phrase rules in English, Dutch, German, French, Spanish and Russian, the
//! Stripe `cancellation_details.feedback` codes, and the answers that mean "no answer".
//!
//! Phrase syntax: `|` separates phrases; words are matched whole after normalization (lowercase,
//! accents and punctuation folded), and a word ending in `*` matches any word that starts with it
//! (`relocat*` matches "relocated", "relocating", "relocation"). Rules describe how customers
//! say things, so they favour phrases that carry the reason over single generic words
//! ("support" alone says nothing; "support never answered" does).

use super::{CodeMap, CodeTarget, Phrase, Reason, Taxonomy};

struct Def {
    id: &'static str,
    label: &'static str,
    meaning: &'static str,
    rules: &'static [(&'static str, &'static str)],
}

const DIED: Def = Def {
    id: "died",
    label: "Died",
    meaning: "The customer died, or the customer's business ceased to exist (closed, bankrupt, dissolved).",
    rules: &[
        ("en", "passed away | died | has died | deceased | death | funeral | no longer with us | \
                bankrupt* | insolven* | went out of business | out of business | going out of business | \
                closed the business | closed our business | closed my business | closing the business | \
                closing our business | closing my business | closed the company | closed our company | \
                closed the shop | closed our shop | closed my shop | closed the store | closed down | \
                closing down | shut down the business | shut down our business | shut down my business | \
                shutting down the business | shutting down our business | shutting down our company | \
                shut down our company | business closed | company closed | company dissolved | \
                business dissolved | dissolved the company | ceased trading | ceased operations | \
                stopped trading | liquidat* | wound up the company | winding up | gone under"),
        ("nl", "overleden | overlijden | gestorven | is gestorven | failliet | faillissement | \
                bedrijf gesloten | zaak gesloten | winkel gesloten | bedrijf gestopt | zaak gestopt | \
                gestopt met het bedrijf | gestopt met ons bedrijf | gestopt met mijn bedrijf | \
                gestopt met de zaak | gestopt met mijn zaak | bedrijf opgeheven | opgeheven | \
                bedrijf beeindigd | onderneming beeindigd | deuren gesloten | deuren gaan sluiten | \
                bedrijf bestaat niet meer | zaak bestaat niet meer"),
        ("de", "verstorben | gestorben | verstarb | tod | todesfall | insolven* | konkurs | pleite | \
                geschaft geschlossen | geschaft aufgegeben | firma aufgelost | firma geschlossen | \
                betrieb eingestellt | betrieb aufgegeben | betrieb geschlossen | unternehmen aufgelost | \
                geschaftsaufgabe | aufgelost | laden geschlossen | laden dicht gemacht | \
                gewerbe abgemeldet | firma gibt es nicht mehr | firma existiert nicht mehr"),
        ("fr", "decede | decedee | deces | est mort | est morte | faillite | liquidation | \
                fermeture de l entreprise | fermeture de la societe | fermeture de notre entreprise | \
                fermeture de mon entreprise | fermeture du magasin | fermeture definitive | \
                ferme l entreprise | ferme notre entreprise | ferme mon entreprise | ferme boutique | \
                entreprise fermee | societe fermee | societe dissoute | dissolution | \
                cessation d activite | cesse son activite | cesse notre activite | cesse mon activite | \
                cesse l activite | mis la cle sous la porte | mettre la cle sous la porte"),
        ("es", "fallecio | fallecido | fallecida | fallecimiento | murio | ha muerto | quiebra | \
                bancarrota | cerramos el negocio | cerre el negocio | cerramos la empresa | \
                cerre la empresa | cierre del negocio | cierre de la empresa | cierre de mi negocio | \
                la empresa cerro | el negocio cerro | empresa cerrada | negocio cerrado | \
                disolucion de la empresa | empresa disuelta | liquidacion | cese de actividad | \
                cesamos la actividad"),
        ("ru", "умер | умерла | скончался | скончалась | смерть | банкрот* | обанкротил* | \
                закрыли бизнес | закрыл бизнес | закрыла бизнес | закрытие бизнеса | закрытие компании | \
                закрыли компанию | закрыли фирму | закрыли магазин | компания закрылась | \
                фирма закрылась | бизнес закрылся | магазин закрылся | ликвидац* | \
                прекратили деятельность | прекратила деятельность | прекратил деятельность | \
                компании больше нет | бизнеса больше нет"),
    ],
};

const MOVED: Def = Def {
    id: "moved",
    label: "Moved",
    meaning: "The customer relocated or left the service area; online, their needs or interests \
              shifted so they no longer need this kind of product (\"no longer need it\", \
              \"project ended\").",
    rules: &[
        ("en", "relocat* | moved abroad | moving abroad | moved away | moving away | moved house | \
                moving house | moved out of | moving out of | moved overseas | moving overseas | \
                moved to another city | moved to another country | moved to another state | \
                moving to another city | moving to another country | moving to another state | \
                moved countries | moved cities | emigrat* | left the country | leaving the country | \
                out of the area | outside the service area | outside your service area | \
                not available in my area | no longer in the area | no coverage | \
                no longer need* | don t need it | dont need it | do not need it | \
                don t need it anymore | no need for it | no need anymore | not needed anymore | \
                no longer required | no longer relevant | not relevant anymore | no longer use | \
                not using it | stopped using | don t use it | didn t use it | did not use it | \
                rarely used | barely used | never used it | hardly used | not enough use | unused | \
                project ended | project is over | project finished | project completed | \
                project was cancelled | finished the project | finished my project | \
                needs changed | needs have changed | our needs changed | changed careers | \
                changed jobs | new job | left my job | retired | retiring | retirement | \
                graduated | season is over | only needed it | was temporary | lost interest"),
        ("nl", "verhuisd | verhuizen | verhuizing | verhuis | geemigreerd | emigreren | \
                naar het buitenland | buiten het servicegebied | niet meer nodig | \
                heb het niet meer nodig | hebben het niet meer nodig | geen behoefte meer | \
                gebruik het niet meer | gebruik het niet | niet meer gebruikt | te weinig gebruikt | \
                nauwelijks gebruikt | nooit gebruikt | project afgerond | project is afgelopen | \
                project beeindigd | project voorbij | andere baan | nieuwe baan | met pensioen | \
                gepensioneerd | behoeften veranderd | niet meer relevant"),
        ("de", "umgezogen | umzug | ziehe um | ziehen um | ausgewandert | auswanderung | \
                ins ausland | ausserhalb des servicegebiets | nicht mehr notig | brauche es nicht mehr | \
                brauchen es nicht mehr | kein bedarf mehr | kein bedarf | wird nicht mehr gebraucht | \
                nutze es nicht mehr | nutzen es nicht mehr | nicht mehr genutzt | kaum genutzt | \
                zu wenig genutzt | nie genutzt | nicht genutzt | projekt beendet | projekt abgeschlossen | \
                projekt ist vorbei | neuer job | neue stelle | jobwechsel | in rente | rente | \
                ruhestand | bedarf hat sich geandert | nicht mehr relevant"),
        ("fr", "demenage | demenagement | demenager | demenageons | expatri* | parti a l etranger | \
                a l etranger | hors de la zone | plus besoin | n ai plus besoin | n avons plus besoin | \
                pas besoin | n en ai plus besoin | je ne l utilise plus | ne l utilise plus | \
                ne l utilisons plus | plus utilise | pas utilise | peu utilise | jamais utilise | \
                projet termine | projet fini | fin du projet | projet acheve | nouveau travail | \
                nouvel emploi | changement de travail | retraite | besoins ont change | \
                plus pertinent"),
        ("es", "me mude | nos mudamos | mudanza | me mudo | mudarme | mudarnos | me fui a vivir | \
                emigre | al extranjero | fuera de la zona | ya no lo necesito | ya no la necesito | \
                ya no lo necesitamos | no lo necesito | no lo necesitamos | ya no necesito | \
                no lo uso | ya no lo uso | no lo usamos | ya no lo usamos | casi no lo uso | \
                nunca lo use | poco uso | proyecto termino | proyecto terminado | fin del proyecto | \
                proyecto finalizado | termine el proyecto | nuevo trabajo | cambie de trabajo | \
                me jubile | jubilacion | jubilado | necesidades cambiaron | ya no es relevante"),
        ("ru", "переехал* | переезд* | переезжа* | эмигрир* | уехал* за границу | за границу | \
                вне зоны обслуживания | больше не нужно | больше не нужен | больше не нужна | \
                уже не нужно | уже не нужен | не нужно | нет необходимости | нет потребности | \
                больше не пользуюсь | не пользуюсь | не пользовался | не пользовалась | \
                мало пользовался | почти не пользовался | перестал пользоваться | \
                перестали пользоваться | проект закончился | проект завершен | проект закрыт | \
                новая работа | сменил работу | сменила работу | на пенсию | пенсия | \
                потребности изменились | неактуально | больше не актуально"),
    ],
};

const FRIEND_REFERRAL: Def = Def {
    id: "friend_referral",
    label: "Friend referral",
    meaning: "Switched because a friend, family member or colleague recommended another provider.",
    rules: &[
        ("en", "friend | friends | friend s | a friend | my friend | colleague* | coworker* | \
                co worker* | family member recommended | brother recommended | sister recommended | \
                wife recommended | husband recommended | partner recommended | word of mouth | \
                referred | referral | recommended to me | recommended me | was recommended | got recommended | \
                on recommendation | recommendation from | on the recommendation"),
        ("nl", "vriend | vriendin | vrienden | een kennis | collega* | familielid | aangeraden | \
                op aanraden | aanbevolen | aanbeveling | doorverwezen | via via"),
        ("de", "freund | freundin | freunde | freunden | ein bekannter | eine bekannte | \
                einem bekannten | einer bekannten | kolleg* | empfohlen | auf empfehlung | \
                empfehlung von | empfehlung eines | empfehlung einer | mundpropaganda"),
        ("fr", "ami | amie | amis | un ami | une amie | copain | copine | collegue* | \
                recommande par | m a recommande | m ont recommande | sur recommandation | \
                recommandation d | conseille par | m a conseille | bouche a oreille"),
        ("es", "amigo | amiga | amigos | amigas | un amigo | una amiga | colega* | companero de trabajo | \
                companera de trabajo | me recomendo | me recomendaron | recomendado por | \
                recomendada por | por recomendacion | recomendacion de | boca a boca"),
        ("ru", "друг | друга | другу | подруга | подруги | подруге | друзья | друзей | знакомый | \
                знакомая | знакомые | коллег* | посоветовал* | порекомендовал* | \
                по рекомендации | по совету | сарафанное радио"),
    ],
};

const BETTER_PRODUCT: Def = Def {
    id: "better_product",
    label: "Better product",
    meaning: "Left for a competitor or alternative judged better or a better deal.",
    rules: &[
        ("en", "switched to | switching to | switch to | switched over | went with | going with | \
                went to | competitor* | alternative | alternatives | another provider | \
                another tool | another service | another company | another app | another vendor | \
                another platform | another solution | other provider | different provider | \
                different tool | different service | different app | different platform | \
                found a better | found better | found something better | found a cheaper | \
                found cheaper | found something cheaper | cheaper | better option | better product | \
                better deal | better offer | better price | better features | better tool | \
                better app | better value | better elsewhere | better fit | elsewhere | replaced by | \
                replaced with | replaced it | migrated to | migrating to | moved everything to | \
                moved all our | built our own | built it in house | \
                in house | free version | free tool | free alternative | offered us a better | \
                more features"),
        ("nl", "overgestapt | overstappen | overgestapt naar | stap over | gekozen voor | \
                concurrent | concurrentie | alternatief | een andere aanbieder | andere aanbieder | \
                andere leverancier | ander pakket | andere tool | andere app | goedkoper | \
                beter alternatief | betere deal | beter aanbod | betere prijs | iets beters | \
                beter product | elders | vervangen door | zelf gebouwd | gratis alternatief"),
        ("de", "gewechselt | wechsel zu | wechseln zu | umgestiegen | umsteigen | entschieden fur | \
                konkurren* | wettbewerber | mitbewerber | alternative | einen anderen anbieter | \
                anderen anbieter | anderer anbieter | andere losung | anderes tool | andere software | \
                andere app | gunstiger | billiger | besseres angebot | bessere alternative | \
                besseres produkt | besseren preis | etwas besseres | woanders | ersetzt durch | \
                selbst entwickelt | kostenlose alternative"),
        ("fr", "passe chez | passe a | passes chez | change pour | changer pour | choisi | \
                concurren* | alternative | un autre fournisseur | autre fournisseur | \
                autre prestataire | un autre outil | autre outil | autre logiciel | autre application | \
                autre solution | moins cher | moins chere | meilleure offre | meilleur prix | \
                meilleur produit | meilleure alternative | quelque chose de mieux | mieux ailleurs | \
                ailleurs | remplace par | developpe en interne | en interne | alternative gratuite"),
        ("es", "cambie a | cambiamos a | me cambie | nos cambiamos | cambiarme | cambiar a | \
                elegimos | competencia | competidor* | alternativa | otro proveedor | otra herramienta | \
                otra aplicacion | otro servicio | otra plataforma | otra solucion | mas barato | \
                mas barata | mejor oferta | mejor precio | mejor producto | mejor alternativa | \
                algo mejor | en otro lugar | reemplazado por | lo reemplazamos | desarrollo propio | \
                alternativa gratuita"),
        ("ru", "перешел | перешла | перешли | перехожу | переходим | ушел к | ушла к | ушли к | \
                выбрали | конкурент* | альтернатив* | другой сервис | другому сервису | \
                другого сервиса | другой провайдер | другому провайдеру | другую программу | \
                другое приложение | другую платформу | другое решение | дешевле | \
                выгоднее | лучшее предложение | лучше предложение | лучший продукт | \
                что то лучше | нашли лучше | заменили на | свое решение | собственное решение | \
                бесплатный аналог | аналог"),
    ],
};

const DISSATISFACTION: Def = Def {
    id: "dissatisfaction",
    label: "Dissatisfaction",
    meaning: "Unhappy with the product or service itself: quality, bugs, outages, price or value, \
              missing features, complexity, billing mistakes.",
    rules: &[
        ("en", "too expensive | expensive | pric* | overpriced | cost | costs | costly | cost us | too costly | not worth | \
                worth the money | value for money | poor value | afford | can t afford | \
                couldn t afford | unaffordable | budget | fees | bug | bugs | buggy | crash* | \
                broken | doesn t work | didn t work | does not work | did not work | not working | \
                stopped working | never worked | outage* | downtime | went down | always down | \
                slow | sluggish | laggy | lag | glitch* | error | errors | unreliable | unstable | \
                poor quality | low quality | bad quality | quality | missing | lack | lacking | \
                lacks | lack of | limited | too basic | not enough features | feature* | \
                integrat* | no api | too complicated | complicated | complex | too complex | \
                confusing | hard to use | difficult to use | not intuitive | unintuitive | \
                learning curve | clunky | cumbersome | not user friendly | user unfriendly | \
                billing | billed twice | charged twice | double charged | overcharg* | \
                wrong invoice | incorrect invoice | invoice was wrong | data loss | lost data | \
                lost my data | disappoint* | dissatisfied | not satisfied | unhappy with the | \
                not happy with the | did not meet | didn t meet | not what i expected | \
                useless | terrible product | bad product | poor product | sync issues | \
                synchronization | performance"),
        ("nl", "te duur | duur | prijs | prijzen | prijsverhoging | kosten | niet waard | \
                geen waar voor | te veel betalen | fout* | bug | bugs | crash* | crasht | \
                werkt niet | werkte niet | werkt niet goed | storing* | traag | langzaam | \
                haperingen | hapert | onbetrouwbaar | instabiel | slechte kwaliteit | kwaliteit | \
                ontbreekt | ontbrekende | mist | mis functies | functies | functionaliteit | \
                beperkt | te ingewikkeld | ingewikkeld | te complex | complex | onduidelijk | \
                verwarrend | moeilijk te gebruiken | niet gebruiksvriendelijk | onhandig | \
                facturatie | factuur | dubbel afgeschreven | twee keer afgeschreven | \
                teveel betaald | teleurgesteld | teleurstellend | ontevreden | niet tevreden | \
                data kwijt | gegevens kwijt | koppeling*"),
        ("de", "zu teuer | teuer | preis* | kosten | nicht wert | preis leistung | \
                preiserhohung | fehler* | bug | bugs | absturz* | sturzt ab | abgesturzt | \
                funktioniert nicht | hat nicht funktioniert | funktionierte nicht | \
                ausfall* | storung* | langsam | trage | unzuverlassig | instabil | \
                schlechte qualitat | qualitat | fehlt | fehlen | fehlende | funktionen fehlen | \
                funktionsumfang | eingeschrankt | zu kompliziert | kompliziert | zu komplex | \
                komplex | unubersichtlich | verwirrend | schwer zu bedienen | umstandlich | \
                nicht benutzerfreundlich | abrechnung | rechnung | doppelt abgebucht | \
                zweimal abgebucht | falsche rechnung | enttausch* | unzufrieden | \
                nicht zufrieden | datenverlust | daten verloren | schnittstelle*"),
        ("fr", "trop cher | trop chere | cher | chere | prix | tarif* | cout | couts | \
                ne vaut pas | rapport qualite prix | augmentation | bug | bugs | bogue* | \
                plantage* | plante | crash* | ne fonctionne pas | ne marche pas | marche pas | \
                fonctionne mal | panne* | lent | lente | lenteur* | pas fiable | instable | \
                mauvaise qualite | qualite | manque | manquent | manquante* | fonctionnalite* | \
                limite | trop complique | complique | trop complexe | complexe | \
                pas intuitif | difficile a utiliser | peu pratique | facturation | facture* | \
                preleve deux fois | debite deux fois | double prelevement | decu | decue | \
                decevant | deception | insatisfait | pas satisfait | mecontent | \
                perte de donnees | donnees perdues"),
        ("es", "muy caro | muy cara | demasiado caro | caro | precio* | costo* | coste | \
                no vale la pena | calidad precio | aumento | error* | fallo* | falla* | bug | \
                bugs | se cuelga | se caia | se cae | no funciona | no funcionaba | caida* | \
                lento | lenta | lentitud | poco fiable | inestable | mala calidad | calidad | \
                falta | faltan | faltaba | funcionalidad* | funciones | limitado | \
                muy complicado | complicado | demasiado complejo | complejo | confuso | \
                dificil de usar | poco intuitivo | facturacion | factura* | cobro doble | \
                me cobraron dos veces | cobrado dos veces | decepcion* | decepcionado | \
                insatisfecho | no estoy satisfecho | perdida de datos | perdi mis datos"),
        ("ru", "дорого | слишком дорого | дороговато | цена | цены | цену | ценой | ценник* | \
                ценов* | стоимост* | не стоит своих денег | \
                не по карману | подорожал* | ошибк* | баг* | глюч* | глюки | вылета* | падает | \
                сбой | сбои | сбоя | сбоев | не работает | не работал* | перестал работать | тормоз* | медленно | \
                медленный | нестабильн* | ненадежн* | плохое качество | качество | \
                не хватает | нет функций | нет нужных функций | отсутств* | функционал* | \
                ограничен* | сложно | слишком сложно | сложный | запутанн* | неудобн* | \
                непонятн* | списали дважды | двойное списание | \
                разочарован* | недоволен | недовольна | недовольны | не устраивает | \
                потеря данных | потеряли данные | интеграц*"),
    ],
};

const INDIFFERENCE: Def = Def {
    id: "indifference",
    label: "Indifference",
    meaning: "Felt the company did not care: rude or unhelpful staff, ignored, no answer, no \
              follow-up, broken promises to call back, long waits, treated like a number.",
    rules: &[
        ("en", "rude | impolite | unfriendly | disrespect* | arrogant | condescending | dismissive | \
                unhelpful | not helpful | no help | indifferent | ignored | ignoring | ignore | \
                never answered | never responded | never replied | never got back | \
                never heard back | never heard from | never called | never called back | \
                didn t call back | did not call back | didn t get back | did not get back | \
                didn t respond | did not respond | didn t reply | did not reply | no response | \
                no reply | no answer | no one answered | nobody answered | nobody responded | \
                no one responded | nobody replied | nobody ever | no one ever | nobody got back | \
                no one got back | no one answers | nobody answers | no one picks up | \
                nobody picks up | waited | for a reply | for an answer | unanswered | no follow up | no followup | \
                never follow* up | nobody follow* up | no one follow* up | didn t follow up | \
                did not follow up | follow up | \
                promised to call | promised a call | promised to get back | broken promise* | \
                kept waiting | waiting for weeks | waited for weeks | waited weeks | \
                waited days | waited for days | long wait* | wait times | waiting time | \
                on hold | hold for | took forever | slow response | slow support | \
                response time | ghosted | like a number | just a number | felt like a number | \
                treated like | didn t listen | did not listen | never listened | not listened | \
                nobody listened | no one listened | don t care | didn t care | did not care | \
                doesn t care | does not care | nobody cares | nobody cared | no one cares | \
                no one cared | couldn t care less | care about customers | not valued | \
                didn t feel valued | did not feel valued | unappreciated | taken for granted | \
                couldn t reach | could not reach | can t reach | unreachable | hard to reach | \
                impossible to reach | customer service | customer support | customer care | \
                poor support | bad support | terrible support | awful support | horrible support | \
                lousy support | no support | support never | support didn t | support did not | \
                support ignored | support was useless | support was unhelpful | support was slow | \
                support is slow | support took | support was rude | support team | \
                account manager | sales rep | staff | attitude | costumer service | \
                unhappy with the support | unhappy with support | unhappy with customer service"),
        ("nl", "onbeleefd | onvriendelijk | grof | arrogant | respectloos | neerbuigend | \
                niet geholpen | niet behulpzaam | geen hulp | onverschillig | genegeerd | negeren | \
                nooit antwoord | geen antwoord | geen reactie | nooit gereageerd | nooit teruggebeld | \
                niet teruggebeld | niet gereageerd | nooit meer iets gehoord | niets meer gehoord | \
                nooit iets gehoord | beloofd terug te bellen | zou terugbellen | zouden terugbellen | \
                lang wachten | lange wachttijd* | wachttijd* | weken gewacht | \
                dagen gewacht | in de wacht | als een nummer | geen interesse in | \
                het kon ze niet schelen | niet gewaardeerd | onbereikbaar | slecht bereikbaar | \
                niet bereikbaar | klantenservice | klantendienst | helpdesk | slechte support | support reageerde niet | \
                medewerker* | accountmanager | personeel | houding"),
        ("de", "unhoflich | unfreundlich | frech | arrogant | respektlos | herablassend | \
                nicht geholfen | keine hilfe | wenig hilfsbereit | nicht hilfsbereit | \
                gleichgultig* | ignoriert | ignorieren | nie geantwortet | keine antwort | \
                keine reaktion | nie reagiert | nicht reagiert | nicht zuruckgerufen | \
                nie zuruckgerufen | kein ruckruf | ruckruf | nie wieder gemeldet | \
                nicht gemeldet | nichts mehr gehort | lange wartezeit* | \
                wartezeit* | warteschleife | wochenlang gewartet | tagelang gewartet | \
                wochen gewartet | wie eine nummer | egal | interessiert niemanden | \
                nicht wertgeschatzt | nicht erreichbar | schlecht erreichbar | unerreichbar | \
                kundenservice | kundendienst | kundensupport | schlechter support | mitarbeiter* | \
                ansprechpartner | das personal | verhalten"),
        ("fr", "impoli | impolie | malpoli | desagreable | arrogant | arrogante | irrespectueux | \
                meprisant | meprisante | pas aide | aucune aide | pas serviable | peu serviable | \
                indifferent* | indifference | ignore | ignores | ignoree | jamais repondu | \
                aucune reponse | pas de reponse | sans reponse | aucun retour | pas de retour | \
                jamais rappele | pas rappele | jamais eu de nouvelles | jamais eu de retour | \
                promis de rappeler | devait me rappeler | longue attente | attente | \
                attendu des semaines | attendu des jours | en attente | comme un numero | se fichent | s en fiche | s en foutent | pas valorise | \
                injoignable* | impossible de joindre | difficile a joindre | service client | \
                service clientele | support client | sav | le support | conseiller* | \
                commercial | personnel | un employe | l employe | les employes | attitude"),
        ("es", "grosero | grosera | maleducado | maleducada | descortes | arrogante | \
                irrespetuoso | prepotente | no me ayudaron | no ayudaron | ninguna ayuda | \
                poco servicial | indiferen* | ignoraron | ignorado | ignorada | me ignoraron | \
                nunca respondieron | nunca contestaron | sin respuesta | ninguna respuesta | \
                no respondieron | no contestaron | nunca me llamaron | no me llamaron | \
                no me devolvieron la llamada | nunca volvieron a llamar | prometieron llamar | \
                larga espera | tiempo de espera | esperando | espere semanas | \
                espere dias | en espera | como un numero | no les importa | \
                no les importo | les da igual | no me valoraron | imposible contactar | \
                imposible de contactar | dificil de contactar | atencion al cliente | \
                servicio al cliente | servicio de atencion | soporte | agente* | empleado* | \
                el personal | actitud"),
        ("ru", "грубо | грубый | грубая | грубые | грубили | нагрубил* | хамств* | хамил* | \
                хамск* | невежлив* | высокомерн* | не помогли | не помог | не помогла | \
                никакой помощи | безразлич* | равнодуш* | игнорир* | проигнорировал* | \
                не ответили | не отвечали | никто не ответил | без ответа | ответа нет | \
                нет ответа | не перезвонили | не перезвонил | обещали перезвонить | \
                обещал перезвонить | долго ждать | долгое ожидание | ожидание | \
                ждал неделю | ждали неделю | ждал неделями | ждали неделями | как к номеру | \
                всем все равно | наплевать | плевать | не ценят | не дозвониться | \
                невозможно дозвониться | недоступн* | служба поддержки | поддержка не* | \
                техподдержк* | менеджер* | сотрудник* | персонал | отношение"),
    ],
};

const DEFS: [Def; 6] = [
    DIED,
    MOVED,
    FRIEND_REFERRAL,
    BETTER_PRODUCT,
    DISSATISFACTION,
    INDIFFERENCE,
];

/// Stripe `cancellation_details.feedback` values and the reasons they mean.
const STRIPE_FEEDBACK: &[(&str, Option<&str>)] = &[
    ("customer_service", Some("indifference")),
    ("low_quality", Some("dissatisfaction")),
    ("missing_features", Some("dissatisfaction")),
    ("other", None),
    ("switched_service", Some("better_product")),
    ("too_complex", Some("dissatisfaction")),
    ("too_expensive", Some("dissatisfaction")),
    ("unused", Some("moved")),
];

/// Whole answers that mean the customer gave no reason. Matched after normalization, so
/// punctuation-only answers ("-", "?", "...") are empty and count here too.
const NO_ANSWER: &str = "n a | na | n.a. | none | nothing | no | nope | nil | null | no comment | \
    no comments | no reason | no answer | not applicable | prefer not to say | rather not say | \
    i d rather not say | i prefer not to say | unknown | idk | i don t know | don t know | \
    dont know | not sure | x | xx | xxx | \
    geen | geen opmerking | geen opmerkingen | geen commentaar | nvt | n v t | weet niet | \
    weet ik niet | zeg ik liever niet | liever niet | \
    keine | keine angabe | keine angaben | k a | ka | kein kommentar | weiss nicht | \
    weiß nicht | mochte ich nicht sagen | \
    aucun | aucune | rien | sans commentaire | pas de commentaire | je ne sais pas | nsp | \
    sans objet | je prefere ne pas repondre | \
    ninguno | ninguna | nada | sin comentarios | sin comentario | no se | prefiero no decir | \
    prefiero no decirlo | no aplica | \
    нет | ничего | без комментариев | нет комментариев | не знаю | затрудняюсь ответить | \
    не хочу говорить";

fn split(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split('|')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
}

pub(super) fn taxonomy() -> Taxonomy {
    let reasons = DEFS
        .iter()
        .map(|d| Reason {
            id: d.id.to_string(),
            label: d.label.to_string(),
            meaning: d.meaning.split_whitespace().collect::<Vec<_>>().join(" "),
            phrases: d
                .rules
                .iter()
                .flat_map(|(lang, list)| {
                    split(list).map(move |text| Phrase {
                        lang: lang.to_string(),
                        text,
                    })
                })
                .collect(),
        })
        .collect();
    let stripe = CodeMap {
        id: "stripe_feedback".to_string(),
        description: "Stripe cancellation_details.feedback".to_string(),
        headers: [
            "cancellationdetailsfeedback",
            "stripefeedback",
            "feedbackcode",
        ]
        .map(String::from)
        .to_vec(),
        codes: STRIPE_FEEDBACK
            .iter()
            .map(|(code, target)| {
                let target = match target {
                    Some(id) => CodeTarget::Reason(id.to_string()),
                    None => CodeTarget::Text,
                };
                (code.to_string(), target)
            })
            .collect(),
    };
    Taxonomy {
        reasons,
        code_maps: vec![stripe],
        no_answer: split(NO_ANSWER).collect(),
    }
}
