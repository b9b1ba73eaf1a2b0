import { describe, expect, it } from 'vitest';
import { asksForHuman } from './ask-for-human.ts';
import { detectEscalation, type EscalationContext, type EscalationReason, readText } from './escalation.ts';
import { fold } from './fold.ts';

const NOW = Date.UTC(2025, 5, 2, 12, 0);
const MIN = 60_000;
const quiet: EscalationContext = { keywords: [], recentInbound: [], fallbacksInARow: 0, now: NOW };
const reasonFor = (text: string, ctx: Partial<EscalationContext> = {}) =>
  detectEscalation({ kind: 'text', text }, { ...quiet, ...ctx })?.reason;

describe('asking for a person', () => {
  it.each([
    'talk to a human',
    'Real person please',
    'can I speak to someone',
    'agent',
    'Representative!',
    'customer service',
    'AGENT PLEASE',
    'Human pls',
    'I need to talk to somebody about my order',
    'Can i speek to a represntative?',
    'costumer service',
    'get me a human',
    'transfer me to an agent',
    'I want a human',
    "I'd like to speak with a manager",
    'live agent',
    'Is anyone there?',
    'hello, i want a human please',
    'humaaan',
    'speak to agent',
    'is there a human?',
    'i wnat to talk to a humna',
    'Is there someone I can talk to?',
    'Can a human help me?',
    'transfer to an agent',
    'send me to a human please',
    'are there any agents available?',
    'Is there a human? My order is late',
    'is there an agent who can help',
    'is there a person I could speak to',
    'send me a human',
    'I need help from a human',
    'Can I get some help from an agent?',
    'bring me a manager',
    'human please',
    'Can I get a human please?',
    'I want a human, the size of my order is wrong',
    'I want a human, size M is wrong',
    'Do you sell a human size mannequin? I need to talk to a human',
  ])('recognises the English request “%s”', (text) => {
    expect(reasonFor(text)).toBe('asked_for_human');
  });

  it.each([
    'parler à un conseiller',
    "Je veux parler à quelqu'un",
    'un humain svp',
    'service client',
    'SERVICE CLIENT',
    'je veux parle a un humain',
    'Mettez-moi en relation avec un conseiller',
    'je voudrais un conseillé',
    'je voudrais parler au service client',
    'Comment joindre le service client ?',
    'une vraie personne svp',
    'qqn svp',
    'y a quelqu’un ?',
    'Est-ce que je peux parler avec un être humain',
    'je veux un humain',
    'pouvez-vous me passer un conseiller',
    'parler conseiller',
    'je souhaite être mis en relation avec un conseiller',
    "est-ce qu'il y a un humain ?",
    "J'ai besoin d'un conseiller",
    "Je peux avoir quelqu'un au téléphone ?",
    'une personne svp',
    'personne svp',
  ])('recognises the French request “%s”', (text) => {
    expect(reasonFor(text)).toBe('asked_for_human');
  });

  it.each([
    "I'm a real estate agent",
    'my travel agent booked it',
    'your customer service is slow',
    'the delivery person was nice',
    'I talked to an agent yesterday',
    'I want someone to explain this invoice',
    'where is my order',
    "j'ai parlé à un conseiller hier",
    'je veux mon argent',
    'personne ne répond au téléphone',
    'mon agent immobilier a appelé',
    'Parlez-moi de vos offres',
    'je suis passé au service client hier',
    'le service client était super',
    'Can I speak French?',
    'Je veux parler de ma commande',
    "il y a une personne qui m'a appelé",
    'human resources department',
    "I'm an agent of change",
    'I ordered for another person',
    'Can someone tell me the opening hours',
    'I was talking to someone at your store yesterday',
    'Is there a person limit?',
    'Are there any agents near Lyon?',
    'Is there a human size version?',
    'Can I get a human size mannequin?',
    'I want a human-sized teddy bear',
    'Could I have a person shaped cake?',
    'I need a human scale model of the shelf',
    "Please send me the manager's email",
    'Personne.',
    'personne !',
    'personne merci',
    'Personne. Merci',
    'Personne, merci !',
  ])('does not take “%s” for a request', (text) => {
    expect(asksForHuman(text)).toBe(false);
  });

  it.each([
    "I don't want to talk to a human",
    'I do not want to speak to someone',
    "don't transfer me to an agent",
    'never connect me to a human',
    "I'd rather not talk to a person",
    'je ne veux pas parler à un conseiller',
    'je veux pas parler à un humain',
    "pas besoin d'un conseiller",
    "je n'ai pas besoin d'un conseiller",
    'I never asked to speak to a human',
    'No need to talk to a human',
    "I'm fine, no need to speak to someone",
    'pas besoin de parler à un conseiller',
    'pas la peine de parler à un conseiller',
    'Is it possible to avoid talking to an agent?',
    'Can I fix this without speaking to someone?',
    'Je préfère régler ça sans parler à un conseiller',
    "It doesn't work. Can I fix this without speaking to someone?",
    'Ça ne marche pas. Je préfère régler ça sans parler à un conseiller',
    "I can't wait on hold, can I fix this without talking to someone?",
    "I can't wait on hold but can I fix this without talking to someone?",
    'je ne veux pas attendre, je préfère régler ça sans parler à un conseiller',
    "Je ne sais pas si c'est possible, mais j'aimerais régler ça sans parler à un conseiller",
    "Je ne sais pas si c'est possible mais j'aimerais régler ça sans parler à un conseiller",
    "I don't want to... talk to a human",
    "I don't want to… talk to a human",
    'je veux pas... parler a un conseiller',
    "I don't want to\ntalk to a human",
    "I don't really want to talk to a human",
    "I don't even want to speak to an agent",
    "I don't want to have to talk to a human",
    "I'm not asking to talk to a human",
    "I'm not going to talk to an agent",
    "I won't talk to a human",
    'I no longer need to talk to a human',
    'Je ne veux surtout pas parler à un conseiller',
    'je ne veux pas du tout parler à un humain',
  ])('does not take the refusal “%s” for a request', (text) => {
    expect(asksForHuman(text)).toBe(false);
  });

  it.each([
    'No, I want a human',
    "I don't understand, I want to talk to a human",
    "I don't want the bot, I want to talk to a human",
    "why can't I talk to a human?",
    "Why won't you let me talk to a human?",
    "Why don't you connect me to an agent?",
    "I'm not trying to be rude, but I need to talk to a human",
    'je ne peux pas parler à un conseiller ?',
    "je n'arrive pas à joindre le service client",
    "it doesn't work, connect me to an agent",
    "I'm not happy, get me a manager",
    'This is not working. Talk to a human',
    "I don't understand. Talk to a human please",
    'I never got my order, talk to a human',
    'ça ne marche pas, je veux parler à un conseiller',
    'ça marche pas je veux un humain',
    "je comprends pas, je veux parler à quelqu'un",
    'I need to talk to a human',
    "j'ai besoin de parler à un conseiller",
    'No need to wait, talk to a human now',
    "I can't fix this without talking to a human",
    'I cannot do it without speaking to someone',
    'Not possible without speaking to an agent',
    'No way to get a refund without talking to a human?',
    'je ne peux rien régler sans parler à un conseiller',
    "je n'arrive plus à rien sans parler à un conseiller",
    'impossible sans parler a un conseiller',
    "c'est pas possible sans parler à un conseiller",
    'je peux pas régler ça sans parler à un humain',
    "It won't let me cancel without talking to an agent",
    "I'm unable to do it without talking to a human",
    "j'arrive pas à le faire sans parler à un conseiller",
    'je sais pas faire sans parler à un conseiller',
    'je peu pas sans parler à un conseiller',
    "I don't understand.\nTalk to a human",
    'Hmm... talk to a human',
  ])('still takes “%s” for a request', (text) => {
    expect(asksForHuman(text)).toBe(true);
  });
});

describe('page keywords', () => {
  const keywords = ['remboursement', 'money back', 'Réclamation'];
  it.each([
    ['Je veux un REMBOURSEMENT', 'remboursement'],
    ['I want my money back!', 'money back'],
    ['une reclamation à faire', 'Réclamation'],
  ])('escalates “%s” on the keyword %s', (text, keyword) => {
    const found = detectEscalation({ kind: 'text', text }, { ...quiet, keywords });
    expect(found).toEqual({ reason: 'keyword', detail: `used the keyword “${keyword}”` });
  });

  it.each(['remboursements en cours', 'moneyback', 'the money is back'])('needs whole words: “%s”', (text) => {
    expect(reasonFor(text, { keywords })).toBeUndefined();
  });

  it('ignores empty keywords', () => {
    expect(reasonFor('hello', { keywords: ['', '  '] })).toBeUndefined();
  });
});

describe('strong language', () => {
  it.each([
    'this is fucking useless',
    'What the f*ck',
    'Shit, my order is late',
    'you idiots',
    'bande de connards',
    'Putain mais ça marche pas',
    "c'est de la merde",
    'ta gueule le bot',
    'fermez vos gueules',
    'je vais vous casser la gueule',
    'je vais te péter la gueule',
    'je vais lui peter la gueule',
    'fermez votre gueule',
    'ferme ta gueule',
    'Je vais vous défoncer la gueule',
    'on va vous exploser la gueule',
    'je vais t’éclater la gueule',
    'il m’a cassé la gueule',
    'je m’en vais te casser la gueule',
    'tu vas te faire péter la gueule',
    'ptn',
    'vous êtes des escrocs',
  ])('escalates “%s”', (text) => {
    expect(reasonFor(text)).toBe('strong_language');
  });

  it.each([
    'Scunthorpe delivery',
    'my order is hell late, damn',
    'je suis déçu',
    'merdeux',
    'the shipping class',
    'con carne',
    'amuse-gueules pour 20 personnes ?',
    'une route casse-gueule',
    'il fait la gueule',
    'faire la gueule',
    'Des amuse-gueule ?',
    'je me suis cassé la gueule dans l’escalier',
    'le site se casse la gueule',
    'je me suis presque cassé la gueule',
    'je me suis encore pété la gueule dans votre magasin',
    "j'ai failli me casser la gueule sur votre trottoir",
    'tu t’es cassé la gueule ?',
    'nous nous sommes cassé la gueule',
    'vous vous êtes cassé la gueule ?',
  ])('leaves “%s” alone', (text) => {
    expect(reasonFor(text)).toBeUndefined();
  });
});

describe('shouting', () => {
  it.each([
    'WHERE IS MY ORDER',
    'OÙ EST MA COMMANDE ?',
    'I PAID THREE WEEKS AGO, STILL NOTHING ok',
    'answer me!!!',
    'Toujours rien !!!!',
    'WHERE IS MY ORDER!!!',
    'WHERE IS MY ORDER!!! thanks',
    'THANKS FOR NOTHING',
    'Merci pour rien !!!',
    'Why is nobody answering!!!',
    "I can't wait any longer!!!",
    'Amazing, still no answer!!!',
    'Not happy at all!!!',
    'I CAN NOT WAIT ANY LONGER',
  ])('escalates “%s”', (text) => {
    expect(reasonFor(text)).toBe('shouting');
  });

  it.each([
    'OK',
    'UPS TRACKING',
    'I PAID THREE WEEKS AGO and nothing yet',
    'My order ABC123XYZ is late',
    'Merci !!!',
    'Thanks so much!!!',
    'Really?!',
    'Hello!!',
    'THANK YOU SO MUCH',
    'MERCI BEAUCOUP POUR TOUT',
    'Bonjour !!!',
    'Thanks for your help!!!',
    'Thanks a lot!!!',
    'Got it, thanks!!!',
    'Thank u!!!',
    'Merci pour votre aide !!!',
    'Merci à vous !!!',
    'Good morning!!!',
    'Bonne journée !!!',
    'THANK YOU FOR YOUR HELP',
    'THANK YOU SO MUCH FOR THE HELP',
    'Thank you so much!!!',
    'Love it!!!',
    "Can't wait!!!",
    'Cant wait!!!',
    'Amazing!!!',
    'This is amazing!!!',
    "I'm so excited!!!",
    'I love it so much!!!',
    'Looking forward to it!!!',
    'Happy!!!',
    "J'adore !!!",
    "J'ai hâte !!!",
    'Magnifique !!!',
  ])('does not count “%s” as shouting', (text) => {
    expect(reasonFor(text)).toBeUndefined();
  });
});

describe('the same message again', () => {
  const earlier = (text: string, ...minutesAgo: number[]) =>
    minutesAgo.map((m) => ({ folded: fold(text), at: NOW - m * MIN }));

  it('does not count short answers and numbers, which come again on their own', () => {
    for (const text of ['2', '15', 'A']) {
      const recentInbound = earlier(text, 9, 4);
      expect(detectEscalation({ kind: 'text', text }, { ...quiet, recentInbound })).toBeUndefined();
    }
  });

  it('escalates the third time within 10 minutes, ignoring case, accents and punctuation', () => {
    const recentInbound = [...earlier('où est ma commande', 9, 4), ...earlier('autre chose', 2)];
    const found = detectEscalation({ kind: 'text', text: 'Ou est ma commande ?' }, { ...quiet, recentInbound });
    expect(found).toEqual({ reason: 'repeated_message', detail: 'sent the same message 3 times in 10 minutes' });
  });

  it.each([
    ['the second time', earlier('where is my order', 3)],
    ['when an earlier one is over 10 minutes old', earlier('where is my order', 11, 3)],
    ['when the messages differ', [...earlier('where is my order', 5), ...earlier('where is my parcel', 3)]],
  ])('does not escalate %s', (_case, recentInbound) => {
    expect(reasonFor('where is my order', { recentInbound })).toBeUndefined();
  });

  it.each(['oui', 'OK', 'merci', 'yes', '👍'])('does not count short replies like “%s”', (text) => {
    expect(reasonFor(text, { recentInbound: earlier(text, 1, 2, 3) })).toBeUndefined();
  });
});

describe('repeated fallbacks', () => {
  it.each([
    [0, undefined],
    [1, undefined],
    [2, 'repeated_fallback'],
    [5, 'repeated_fallback'],
  ])('after %i fallbacks in a row, the next message gives %s', (fallbacksInARow, expected) => {
    expect(reasonFor('blue widget thing', { fallbacksInARow })).toBe(expected);
  });

  it('escalates an attachment without text too', () => {
    const found = detectEscalation({ kind: 'attachment' }, { ...quiet, fallbacksInARow: 2 });
    expect(found).toEqual({
      reason: 'repeated_fallback',
      detail: 'the assistant did not understand 2 messages in a row',
    });
  });
});

describe('which input escalates', () => {
  it.each([
    ['choice', 'Talk to a person'],
    ['welcome', undefined],
  ] as const)('never escalates a %s', (kind, text) => {
    const found = detectEscalation({ kind, text }, { ...quiet, keywords: ['person'], fallbacksInARow: 9 });
    expect(found).toBeUndefined();
  });

  it('checks the text that comes with an attachment', () => {
    expect(detectEscalation({ kind: 'attachment', text: 'agent svp' }, quiet)?.reason).toBe('asked_for_human');
  });

  it.each([
    ['I want to talk to a human, this is shit', 'asked_for_human'],
    ['refund NOW YOU IDIOTS', 'keyword'],
    ['WHAT THE FUCK IS THIS', 'strong_language'],
  ] as const)('gives the first cause in order of precedence for “%s”', (text, reason: EscalationReason) => {
    expect(reasonFor(text, { keywords: ['refund'], fallbacksInARow: 3 })).toBe(reason);
  });

  it('quotes the request in the detail', () => {
    expect(detectEscalation({ kind: 'text', text: '  agent\nplease ' }, quiet)?.detail).toBe(
      'asked for a person: “agent please”',
    );
  });

  it('cuts a long request it quotes between the characters a person sees', () => {
    const asked = 'Can I talk to a real person please? My order is late and I am getting worried. ';
    const text = `${asked.slice(0, 78)}😡 Thanks.`;
    expect(detectEscalation({ kind: 'text', text }, quiet)?.detail).toBe(
      `asked for a person: “${asked.slice(0, 78)}…”`,
    );
  });
});

describe('a text read ahead (readText)', () => {
  it('reads what the checks find in the text alone, trimmed', () => {
    expect(readText('  Où est MA COMMANDE ?!!! ')).toEqual({
      text: 'Où est MA COMMANDE ?!!!',
      folded: 'ou est ma commande',
      asksForHuman: false,
      strongWord: undefined,
      shouting: 'wrote “!!!”',
    });
    expect(readText('talk to a human').asksForHuman).toBe(true);
    expect(readText('this is shit').strongWord).toBe('shit');
  });

  it('gives the checks what they would find themselves', () => {
    const cases = ['talk to a human', 'refund please', 'this is shit', 'WHERE IS MY ORDER NOW', 'where is my order'];
    const ctx = { ...quiet, keywords: ['refund'], recentInbound: [{ folded: 'where is my order', at: NOW - MIN }] };
    for (const text of cases) {
      const read = detectEscalation({ kind: 'text', text }, { ...ctx, reading: readText(text) });
      expect(read).toEqual(detectEscalation({ kind: 'text', text }, ctx));
    }
  });

  it('is what the checks go by: they do not read the text again', () => {
    const reading = { ...readText('hello there'), asksForHuman: true };
    expect(reasonFor('hello there', { reading })).toBe('asked_for_human');
    const shouted = { ...readText('hello there'), shouting: 'wrote in capitals' };
    expect(detectEscalation({ kind: 'text', text: ' hello there ' }, { ...quiet, reading: shouted })).toEqual({
      reason: 'shouting',
      detail: 'wrote in capitals',
    });
  });

  it('is not used for another text', () => {
    const reading = { ...readText('hello there'), asksForHuman: true };
    expect(reasonFor('good morning', { reading })).toBeUndefined();
    expect(reasonFor('talk to a human', { reading: readText('hello there') })).toBe('asked_for_human');
  });
});
