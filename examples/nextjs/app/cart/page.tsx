import Link from 'next/link';

export default function CartPage() {
  return (
    <main>
      <h1>Your cart</h1>
      <p>The bank payment you left was cancelled at the provider.</p>
      <Link href="/">Check out</Link>
    </main>
  );
}
