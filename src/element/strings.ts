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
  /** The launcher, and the link offered when a blocker refused the window. */
  readonly open: string;
  /**
   * Why the flow is not framed: the launcher's heading once `auto` gave up on the frame, the
   * heading above the link once the browser refused the window, the error's text in `iframe` mode.
   */
  readonly why: string;
  /** While the flow is open in a window (watched or not); and the button that brings that window to the front. */
  readonly away: string;
  readonly focus: string;
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
    why: 'Your bank’s page can’t open here.',
    away: 'Finish in your bank’s window.',
    focus: 'Show window',
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
    why: 'La page de votre banque ne peut s’ouvrir ici.',
    away: 'Terminez dans la fenêtre de votre banque.',
    focus: 'Afficher la fenêtre',
  },
};

/** `fr`, `fr-CA`, `FR-ca`… read as French; anything else (or nothing) as English. */
export function pickLang(tag: string | null | undefined): Lang {
  return /^fr(-|$)/i.test(tag ?? '') ? 'fr' : 'en';
}
