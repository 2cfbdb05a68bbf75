// Lit by itself, the reference: what the element's Lit dependency weighs.
export * from 'lit';
