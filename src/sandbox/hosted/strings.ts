/** The hosted flow's words, in English and Canadian French. */

export type PageLanguage = 'en' | 'fr';

export interface HostedStrings {
  readonly htmlLang: string;
  readonly locale: string;
  readonly title: string;
  readonly brand: string;
  /** The close control's glyph: the label is `closeLabel`, unlike the merchant's own "Cancel payment". */
  readonly close: string;
  readonly closeLabel: string;
  /** With its colon (French puts a no-break space before it). */
  readonly paymentTo: string;
  readonly amountNone: string;
  readonly chooseBank: string;
  readonly chooseBankLegend: string;
  readonly signIn: string;
  readonly signInIntro: string;
  readonly username: string;
  readonly password: string;
  readonly chooseAccount: string;
  readonly chooseAccountLegend: string;
  readonly chequing: string;
  readonly savings: string;
  readonly review: string;
  readonly reviewAmount: string;
  readonly reviewAccount: string;
  readonly reviewBank: string;
  readonly guaranteeOffered: string;
  readonly authorize: string;
  readonly continue: string;
  readonly back: string;
  readonly done: string;
  readonly doneText: string;
  readonly confirmClose: string;
  readonly confirmCloseText: string;
  readonly leave: string;
  readonly stay: string;
  readonly closed: string;
  readonly closedText: string;
  readonly timedOut: string;
  readonly timedOutText: string;
  readonly failed: string;
  readonly failedText: string;
  readonly notFound: string;
  readonly notFoundText: string;
  readonly working: string;
  readonly sandboxNotice: string;
}

const EN: HostedStrings = {
  htmlLang: 'en-CA',
  locale: 'en-CA',
  title: 'Pay by bank',
  brand: 'Sandbox Pay',
  close: '×',
  closeLabel: 'Close and leave the payment',
  paymentTo: 'Payment amount:',
  amountNone: 'Amount set at your bank',
  chooseBank: 'Choose your bank',
  chooseBankLegend: 'Banks',
  signIn: 'Sign in to your bank',
  signInIntro: 'This is a sandbox: any username and password work.',
  username: 'Username',
  password: 'Password',
  chooseAccount: 'Choose an account',
  chooseAccountLegend: 'Accounts',
  chequing: 'Chequing',
  savings: 'Savings',
  review: 'Review and authorize',
  reviewAmount: 'Amount',
  reviewAccount: 'Account',
  reviewBank: 'Bank',
  guaranteeOffered: 'This payment is guaranteed.',
  authorize: 'Authorize payment',
  continue: 'Continue',
  back: 'Back',
  done: 'Payment authorized',
  doneText: 'You can return to the merchant.',
  confirmClose: 'Leave this payment?',
  confirmCloseText: 'If you leave now, your payment will not be made and this session will end.',
  leave: 'Leave',
  stay: 'Stay',
  closed: 'You left the payment',
  closedText: 'No payment was made. You can close this window.',
  timedOut: 'Session timed out',
  timedOutText: 'This payment session has ended. Return to the merchant to start again.',
  failed: 'Payment not completed',
  failedText: 'Your bank could not complete this payment. Return to the merchant to try again.',
  notFound: 'Session not found',
  notFoundText: 'This payment link is not valid. Return to the merchant to start again.',
  working: 'Please wait…',
  sandboxNotice: 'Sandbox: no real bank or money is involved.',
};

const FR: HostedStrings = {
  htmlLang: 'fr-CA',
  locale: 'fr-CA',
  title: 'Payer par virement bancaire',
  brand: 'Paiement bac à sable',
  close: '×',
  closeLabel: 'Fermer et quitter le paiement',
  paymentTo: 'Montant du paiement\u00a0:',
  amountNone: 'Montant choisi à votre banque',
  chooseBank: 'Choisissez votre banque',
  chooseBankLegend: 'Banques',
  signIn: 'Connectez-vous à votre banque',
  signInIntro: 'Ceci est un bac à sable\u00a0: tout nom d’utilisateur et mot de passe conviennent.',
  username: 'Nom d’utilisateur',
  password: 'Mot de passe',
  chooseAccount: 'Choisissez un compte',
  chooseAccountLegend: 'Comptes',
  chequing: 'Chèques',
  savings: 'Épargne',
  review: 'Vérifier et autoriser',
  reviewAmount: 'Montant',
  reviewAccount: 'Compte',
  reviewBank: 'Banque',
  guaranteeOffered: 'Ce paiement est garanti.',
  authorize: 'Autoriser le paiement',
  continue: 'Continuer',
  back: 'Retour',
  done: 'Paiement autorisé',
  doneText: 'Vous pouvez retourner chez le marchand.',
  confirmClose: 'Quitter ce paiement?',
  confirmCloseText: 'Si vous quittez maintenant, votre paiement ne sera pas effectué et cette session prendra fin.',
  leave: 'Quitter',
  stay: 'Rester',
  closed: 'Vous avez quitté le paiement',
  closedText: 'Aucun paiement n’a été effectué. Vous pouvez fermer cette fenêtre.',
  timedOut: 'Session expirée',
  timedOutText: 'Cette session de paiement est terminée. Retournez chez le marchand pour recommencer.',
  failed: 'Paiement non effectué',
  failedText: 'Votre banque n’a pas pu effectuer ce paiement. Retournez chez le marchand pour réessayer.',
  notFound: 'Session introuvable',
  notFoundText: 'Ce lien de paiement n’est pas valide. Retournez chez le marchand pour recommencer.',
  working: 'Veuillez patienter…',
  sandboxNotice: 'Bac à sable\u00a0: aucune vraie banque ni vrai argent.',
};

export function hostedStrings(language: PageLanguage): HostedStrings {
  return language === 'fr' ? FR : EN;
}

/** `?lang=` wins; then the session's notification language; English otherwise. */
export function pageLanguage(queryLang: string | undefined, sessionLanguage: 'EN' | 'FR' | undefined): PageLanguage {
  const fromQuery = queryLang?.trim().toLowerCase().slice(0, 2);
  if (fromQuery === 'fr' || fromQuery === 'en') return fromQuery;
  return sessionLanguage === 'FR' ? 'fr' : 'en';
}
