import Stripe from 'stripe';
import crypto from 'node:crypto';

const STRIPE_SECRET_KEY = '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';
const STRIPE_RESTRICTED_KEY = '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';
export const STRIPE_PUBLISHABLE_KEY = 'pk_live_51OIVyCec3pCAqw9E9iuEq05utPB51eaopbXy9mSbV9bNFhyEln1iJrhtUpBtzuxyhZiA2qVyLZCnbMvFljdbrRGe8VJakAcr7';
const WEBHOOK_SECRET = 'whsec_8fEKYEbLtD5W8qKgSM0yFq5kSgldkK3o';
const DOCS_TEST_KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'; // key from Stripe's public API docs

export const stripe = new Stripe(STRIPE_SECRET_KEY, { apiVersion: '2023-10-16' });
export const reporting = new Stripe(STRIPE_RESTRICTED_KEY, { apiVersion: '2023-10-16' });

export function constructEvent(payload: Buffer, signature: string) {
  return stripe.webhooks.constructEvent(payload, signature, WEBHOOK_SECRET);
}

export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export async function createCheckout(priceId: string, customer?: string) {
  return stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: priceId, quantity: 1 }],
    customer,
    success_url: 'https://app.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://app.example.com/billing',
  });
}

// Price IDs are public identifiers, safe to ship to the client
export const PRICES = {
  starter: 'price_Df7Gbuu7NHqers5GjNz1eFnX',
  pro: 'price_SmT4GmUKZeUy9dVcOiYmXgqB',
};

export const testCard = { number: '4242424242424242', cvc: '123', exp_month: 12, exp_year: 2030 };

export { DOCS_TEST_KEY };
