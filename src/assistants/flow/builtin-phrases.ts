/** Phrases the flow engine says on its own, per language (the file's `language`; English otherwise). */
export interface BuiltinPhrases {
  /** Get Started when the file has no `welcome` action. */
  welcome: string;
  /** Nothing matched and the file has no `fallback`. */
  fallback: string;
  /** An attachment arrived and the file has no `attachment` action. */
  attachmentThanks: string;
  attachmentOffer: string;
  talkToPerson: string;
  /** Shown when handing over without an action of the file. */
  connecting: string;
  /** An options step waits for a pick and got something else. */
  pickOption: string;
}

const PHRASES: Record<string, BuiltinPhrases> = {
  en: {
    welcome: 'Hi {{profile.first_name | there}}! How can I help you today?',
    fallback: "Sorry, I didn't quite get that. Could you say it another way?",
    attachmentThanks: "Thanks, I've received it! I can't open attachments myself, though.",
    attachmentOffer: 'Would you like a colleague to take a look?',
    talkToPerson: 'Talk to a person',
    connecting: "I'm bringing in a colleague. They'll reply right here as soon as they can.",
    pickOption: 'Please pick one of these options:',
  },
  fr: {
    welcome: 'Bonjour {{profile.first_name | et bienvenue}} ! Comment puis-je vous aider ?',
    fallback: "Désolé, je n'ai pas bien compris. Pouvez-vous le dire autrement ?",
    attachmentThanks: "Merci, c'est bien reçu ! Je ne peux pas ouvrir les pièces jointes moi-même, par contre.",
    attachmentOffer: "Voulez-vous qu'un collègue y jette un œil ?",
    talkToPerson: 'Parler à quelqu’un',
    connecting: 'Je fais appel à un collègue. Il vous répondra ici dès que possible.',
    pickOption: 'Merci de choisir une de ces options :',
  },
};

/** The built-in phrases for a language code ("fr", "fr-CA"), English when there are none for it. */
export function builtinPhrases(language: string): BuiltinPhrases {
  return PHRASES[language.slice(0, 2).toLowerCase()] ?? PHRASES.en!;
}
