const outer = new AbortController();
for (let i = 0; i < 5; i++) AbortSignal.any([AbortSignal.timeout(1000), outer.signal]);
const syms = Object.getOwnPropertySymbols(outer.signal);
console.log(syms.map(String));
const dep = syms.find((s) => String(s).includes('Dependant'));
console.log(dep && (outer.signal as any)[dep]?.size);
