import { type Stemmer, stemmerFor } from './stemmer.ts';
import { editDistance } from './word-similarity.ts';

/**
 * A small built-in vocabulary of what customers of an online shop commonly type, per language: fixed
 * expressions become one word ("have a nice day" → "bye", "à plus" → "aurevoir") and synonyms become
 * the first word of their group ("hiya" → "hello", "package" → "parcel"). Applied to examples and inputs
 * alike, so a flow's examples need not list every greeting or every word for a parcel.
 * Words are folded (lower case, no accents), as `tokenize` gives them.
 */

/** Rewrites folded words: expressions first (longest first), then single words, then their plurals. */
export interface Lexicon {
  /** Rewrites raw text before folding, for expressions made of symbols ("a+" in French). */
  prepare(text: string): string;
  rewrite(words: readonly string[]): string[];
  /** The canonical word of a synonym one typo away ("packge" → "parcel"): 6+ letters, same first letter. */
  nearest(word: string): string | undefined;
}

// Each line: the canonical word, then its synonyms. An entry with spaces is an expression. "instead" marks what a
// text turns down (text-analysis.ts); a bare "not a" is left out: "you're not a bot, are you?" asks about the bot.
const EN = `
not: dont didnt doesnt havent hasnt hadnt isnt arent wasnt werent wont cant couldnt wouldnt shouldnt aint | don t | didn t | doesn t | haven t | hasn t | hadn t | isn t | aren t | wasn t | weren t | won t | can t | couldn t | wouldn t | shouldn t | ain t
what: wat wot
where: whr
when: wen
how: hw
something: sth smth
problem: issue
hello: hi hey hiya heya hallo hullo howdy helo hai yo sup hola greetings bonjour morning afternoon evening | good morning | good afternoon | good evening | hello again | hi again
bye: goodbye byebye cya ciao farewell ttyl | see you around | see you next time | until next time | good night | goodnight | see you | see ya | see u | talk later | talk soon | catch you later | have a nice day | have a good day | have a great day | have a lovely day | have a nice evening | have a good evening | have a nice weekend | have a good weekend | have a good one | have a nice one | have a great one | have a great weekend | have a lovely weekend | have a great evening | have a lovely evening | enjoy your weekend | enjoy your evening | night night | nighty night
thanks: thank thnk thx thnx thanx tnx tks ty tysm cheers ta | thank you | thank u | thanks in advance | thank you in advance
great: awesome perfect wonderful excellent brilliant fab fabulous fantastic amazing superb cool
sorry: | sorry to bother you | sorry to bother | excuse me
question: query enquiry inquiry | quick question | quick q
giftcard: giftcards | gift card | gift cards
parcel: package pkg packet
packaging: wrapping
order: purchase bought
send: sent
courier: carrier dhl ups dpd fedex evri hermes parcelforce yodel | royal mail
arrive: arrival eta | show up | shown up | showed up | turn up | turned up
late: delayed delay overdue
refund: reimburse reimbursement | money back
exchange: swap replace replacement
change: modify amend edit alter
broken: damaged damage cracked chipped smashed shattered snapped faulty defective broke scratched dented | in pieces | fell apart
wrong: incorrect
person: human agent operator representative rep staff someone somebody employee advisor adviser
support: | customer service | customer services | customer care | customer support
useless: unhelpful rubbish pointless stupid dumb
bot: robot chatbot ai
shop: store boutique
handmade: handcrafted homemade artisan artisanal | hand made | hand poured | hand crafted | made by hand | in house
eco: sustainable sustainability environment environmental ecological recycled recyclable planet | eco friendly | environmentally friendly | zero waste
material: ingredient stoneware porcelain earthenware | made of | made from | made out of
mug: cup teacup
price: cost fee charge rate tariff pricing | how much is | how much are | how much does | how much do | how much for | how much to
abroad: overseas international internationally worldwide foreign
country: countries uk usa america canada australia ireland france germany spain portugal italy belgium netherlands holland switzerland austria sweden norway denmark finland poland greece japan china india singapore mexico brazil europe eu scotland wales england | new zealand | south africa | northern ireland | the us | the usa | the uk | the states
monday: tuesday wednesday thursday friday saturday sunday
discount: promo promotion coupon deal reduction clearance markdown | black friday | percent off | per cent off | percentage off | cyber monday
pay: payment paying paid transaction
visa: mastercard amex maestro | american express
fast: quick quickly quicker faster speedy rapid asap
tomorrow: tmrw tmr tomoz
collect: | pick up | pickup | click and collect | click collect
stock: available availability
scent: smell fragrance perfume aroma woody floral fruity musky lavender vanilla rose jasmine sandalwood cedar cedarwood citrus lemon eucalyptus amber fig bergamot cinnamon
email: mail
instead: | instead of | rather than | as opposed to | not to a | not to an | not to the | not with a | not with the
contact: dm | get in touch | reach you
close: shut closing closed
options: choices choice
catalogue: catalog
colour: color red blue green yellow black white pink grey gray purple orange brown beige navy
cancel: cancellation cancelled canceled cancelling canceling annul annulled
`;

// "vous conseillez" (advise) is not "un conseiller" (a person): the verb's forms have a group of their own, after the
// noun's, so the noun keeps the shared stem. "pas du tout", "rien du tout" are "pas", "rien", not "tout" ("c'est tout").
const FR = `
pourquoi: pk pq pkoi pourkoi
quand: qd kan
quoi: koi
quel: kel kels kelle kelles
comment: koman komment cmt
qui: ki
toujours: tjrs tjs
vous: vs
pour: pr
dans: ds
beaucoup: bcp
probleme: pb pbm souci
bonjour: salut coucou kikou kikoo bonsoir bjr slt cc hello hey hi yo hola allo rebonjour | bonne matinee | re bonjour
aurevoir: bye ciao tchao adieu | au revoir | a plus | a plus tard | a bientot | a la prochaine fois | a demain | bonne fin de soiree | a tout a l heure | a la prochaine | bonne journee | bonne soiree | bonne nuit | bonne fin de journee | bon week end | bon weekend | bonne continuation | bonne semaine | bonne fin de semaine
merci: mci mrc thx thanks remerciement | merci d avance | merci par avance
super: genial parfait top nickel impeccable excellent cool adorable formidable | trop bien
desole: | excusez moi | excuse moi | desole de vous deranger | desolee de vous deranger
question: renseignement | petite question
colis: paquet package
cartecadeau: | carte cadeau | cartes cadeaux | carte cadeaux | cartes cadeau | carte kdo | cartes kdo
cadeau: kdo kado
retard: retarde retardee
echange: echanger remplacer remplacement
casse: cassee abime abimee endommage endommagee fele felee ebreche ebrechee defectueux defectueuse brise brisee fissure fissuree fendu fendue raye rayee | en morceaux | en mille morceaux | en miettes
personne: humain conseiller conseillere vendeur vendeuse agent operateur operatrice employe employee interlocuteur qqn qqun | quelqu un
support: | service client | service clients | service apres vente | sav
reclamation: plainte
rembourser: | recuperer mon argent | recuperer l argent | recuperer mes sous | revoir mon argent
retour: retractation retracter | se retracter | me retracter
inutile: nul nulle
robot: bot chatbot ia
boutique: magasin shop
faitmain: artisanal artisanale artisan artisans | fait main | faits main | faite main | faites main | fait a la main | faits a la main | faites a la main
eco: ecoresponsable ecoresponsables ecolo ecologique ecologiques ecologie environnement environnemental durable durabilite recycle recyclable planete | zero dechet | eco responsable | eco responsables
matiere: matieres materiau materiaux ingredient composition gres porcelaine faience | fait avec | faite avec | faits avec | faites avec
mug: tasse
prix: cout coute coutent couter tarif frais | c est combien | ca fait combien
etranger: international internationale | monde entier | dans le monde
pays: belgique suisse allemagne espagne portugal italie autriche irlande suede norvege danemark pologne grece japon chine canada usa quebec luxembourg monaco maroc tunisie algerie senegal reunion martinique guadeloupe france europe angleterre ecosse | etats unis | royaume uni | pays bas | nouvelle zelande | dom tom
lundi: mardi mercredi jeudi vendredi samedi dimanche
reduction: reduc promo promotion remise coupon rabais destockage | black friday | faire un prix | faites un prix | fais un prix | geste commercial | prix degressif | tarif degressif
payer: paiement payement reglement regler transaction
paypal: paylib lydia
visa: mastercard amex maestro cb | american express | carte bleue
rapide: rapidement vite asap
appeler: rappeler telephoner | coup de fil
commande: cmd cde cmde
retirer: recuperer retrait | click and collect | click collect
stock: disponible dispo disponibilite
parfum: senteur odeur fragrance boise boisee fleuri fleurie fruite fruitee lavande vanille jasmin santal cedre agrumes citron eucalyptus ambre figue bergamote cannelle
couleur: rouge bleu bleue vert verte jaune noir noire blanc blanche gris grise violet orange marron beige
parking: stationnement | se garer
options: choix
email: mail courriel
instead: | plutot que | plutot qu | au lieu de | au lieu d | pas a un | pas a une | pas au | pas a la | pas avec un | pas avec une
annuler: annulation annule annulee
modifier: changer corriger rectifier
transporteur: colissimo chronopost dhl ups dpd gls | mondial relay
recommander: recommande recommandez recommandes conseillez conseilles conseille conseillerais conseilleriez | me conseiller | nous conseiller | te conseiller
pas: | pas du tout
rien: | rien du tout
suie: noirci noircie noircis noircies noircit
contacter: joindre | prendre contact
rendezvous: rdv | rendez vous
`;

interface Entry {
  from: string[];
  to: string;
}

function parse(source: string): Entry[] {
  return source
    .trim()
    .split('\n')
    .flatMap((line) => {
      const [to, rest] = line.split(':') as [string, string];
      const [words = '', ...expressions] = rest.split('|');
      return [
        ...words
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((w) => ({ from: [w], to })),
        ...expressions.map((e) => ({ from: e.trim().split(/\s+/), to })),
      ];
    });
}

function build(source: string, stem: Stemmer, prepare: (text: string) => string = (text) => text): Lexicon {
  const entries = parse(source);
  // Expressions by first word, longest first.
  const expressions = new Map<string, Entry[]>();
  for (const e of entries.filter((x) => x.from.length > 1).sort((a, b) => b.from.length - a.from.length)) {
    expressions.set(e.from[0]!, [...(expressions.get(e.from[0]!) ?? []), e]);
  }
  // Synonyms and canonical words, also by stem so inflected forms meet ("deals" → "discount", "refunded" → "refund");
  // when two groups share a stem ("package", "packaging") the first keeps it and the other needs its exact word.
  const single = new Map<string, string>();
  const byStem = new Map<string, string>();
  for (const { from, to } of entries) {
    for (const word of from.length === 1 ? [from[0]!, to] : [to]) {
      single.set(word, to);
      if (!byStem.has(stem(word))) byStem.set(stem(word), to);
    }
  }
  const long = [...single.keys()].filter((w) => w.length >= 6);
  return {
    prepare,
    nearest(word) {
      if (word.length < 6) return undefined;
      const near = long.find((w) => w[0] === word[0] && editDistance(w, word, 1) === 1);
      return near === undefined ? undefined : single.get(near);
    },
    rewrite(words) {
      const out: string[] = [];
      for (let i = 0; i < words.length; ) {
        const word = words[i]!;
        const expression = expressions.get(word)?.find((e) => e.from.every((w, k) => words[i + k] === w));
        out.push(expression?.to ?? single.get(word) ?? byStem.get(stem(word)) ?? word);
        i += expression ? expression.from.length : 1;
      }
      return out;
    },
  };
}

/**
 * "a+" is "à plus"; "émail" (a glaze) would fold to "email": it becomes its plural "émaux", which does not. Only the
 * accented spelling: "email" and "mail" stay the e-mail.
 */
function prepareFrench(text: string): string {
  return text
    .normalize('NFC')
    .replace(/(^|\s)[aà] ?\+(?!\S)/giu, '$1a plus')
    .replace(/(?<!\p{L})émail(?!\p{L})/giu, 'émaux');
}

const BY_LANGUAGE: Record<string, Lexicon> = {
  en: build(EN, stemmerFor('en')),
  fr: build(FR, stemmerFor('fr'), prepareFrench),
};
const NONE: Lexicon = { prepare: (text) => text, rewrite: (words) => [...words], nearest: () => undefined };

/** The lexicon of a language ("en", "fr", "fr-CA" uses "fr"); other languages get none. */
export function lexiconFor(language: string): Lexicon {
  return BY_LANGUAGE[language.slice(0, 2).toLowerCase()] ?? NONE;
}
