// What wrangler's module rules turn these imports into (see [[rules]] in wrangler.toml).
declare module '*.html' {
  const text: string;
  export default text;
}

declare module 'bank-pay-session/standalone' {
  const source: string;
  export default source;
}
