import { css } from 'lit';

// Written minified: no build step minifies CSS inside css``, and the element has a size budget.
// Looks are set through the custom properties documented on the class.
export const styles = css`:host{display:block}:host([hidden]){display:none}iframe,::slotted(iframe){display:block;box-sizing:border-box;width:100%;height:var(--bps-frame-height,600px);border:0}button{font:inherit;padding:.5em 1em;border-radius:6px;border:1px solid;background:none;color:inherit}[part=close-button]{display:block;margin:0 0 .5em auto}[part=message]{box-sizing:border-box;min-height:var(--bps-message-min-height,auto);padding:1.5em;text-align:center}h2{font-size:1.25em;outline:none}[part=restart-button]{border-color:transparent;background:var(--bps-accent,#1a56db);color:var(--bps-accent-text,#fff)}`;
