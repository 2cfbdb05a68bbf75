'use client';
// What the checkout does when the payment ends. The element's events bubble, so one listener
// on the document hears them; `bps-exit` and `bps-restart` are typed in the global event map.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import type {} from 'bank-pay-session/react';

export function CheckoutEvents() {
  const router = useRouter();
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    document.addEventListener(
      'bps-exit',
      (event) => {
        if (event.reason === 'completed') router.push('/thank-you');
      },
      { signal },
    );
    // "Start again": render the page again on the server, which creates a new session and
    // hands it to the same element.
    document.addEventListener('bps-restart', () => router.refresh(), { signal });
    return () => controller.abort();
  }, [router]);
  return null;
}
