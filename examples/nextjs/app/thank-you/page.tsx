export default function ThankYouPage() {
  return (
    <main>
      <h1>Thank you</h1>
      <p>Your payment is authorized.</p>
    </main>
  );
}
