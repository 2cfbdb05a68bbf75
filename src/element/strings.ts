/** Every user-visible text of the element: one table per language (English, Canadian French). */

export type Lang = 'en' | 'fr';

export interface ElementStrings {
  /** The frame's accessible title. */
  readonly frame: string;
  /** The close button. */
  readonly close: string;
  /** Headings of the message that replaces the frame, by how the session ended. */
  readonly completed: string;
  readonly failed: string;
  readonly ended: string;
  readonly error: string;
  /** Below the `ended` heading. */
  readonly noPayment: string;
  /** The "start again" button. */
  readonly restart: string;
  /** The launcher (which brings the window to the front once it is open), and the link offered when a blocker refused the window. */
  readonly open: string;
  /** Why the flow is not framed: the launcher's heading, and the one above the link once the browser refused the window. */
  readonly why: string;
  /** While the flow is open in a window (watched or not). */
  readonly away: string;
}

export const STRINGS: Readonly<Record<Lang, ElementStrings>> = {
  en: {
    frame: 'Bank payment',
    close: 'Cancel payment',
    ended: 'Your payment session has ended',
    noPayment: 'No payment was made.',
    restart: 'Start again',
    completed: 'Payment authorized',
    failed: 'The payment did not go through',
    error: 'Payment page unavailable',
    open: 'Continue to your bank',
    why: 'Your bank can’t open here.',
    away: 'Continue in your bank’s window.',
  },
  fr: {
    frame: 'Paiement bancaire',
    close: 'Annuler le paiement',
    ended: 'Votre session de paiement est terminée',
    noPayment: 'Aucun paiement n’a été effectué.',
    restart: 'Recommencer',
    completed: 'Paiement autorisé',
    failed: 'Le paiement n’a pas abouti',
    error: 'Page de paiement indisponible',
    open: 'Continuer vers votre banque',
    why: 'Votre banque ne peut s’ouvrir ici.',
    away: 'Continuez dans la fenêtre de votre banque.',
  },
};

/** `fr`, `fr-CA`, `FR-ca`… read as French; anything else (or nothing) as English. */
export function pickLang(tag: string | null | undefined): Lang {
  return /^fr(-|$)/i.test(tag ?? '') ? 'fr' : 'en';
}
