/** A short public-domain text (Blake, "The Tyger", first three stanzas) to train on in tests and measurements. */
export const TYGER = `Tyger Tyger, burning bright,
In the forests of the night;
What immortal hand or eye,
Could frame thy fearful symmetry?

In what distant deeps or skies.
Burnt the fire of thine eyes?
On what wings dare he aspire?
What the hand, dare seize the fire?

And what shoulder, & what art,
Could twist the sinews of thy heart?
And when thy heart began to beat,
What dread hand? & what dread feet?

`;

/** What the measurements generate and train with, in the page and in Node alike. */
export const MEASURE = {
  generate: {
    prompt: 'Call me Ishmael. ',
    maxNewTokens: 1000,
    temperature: 0.6,
    topK: null,
    topP: 1,
    seed: 42,
    stop: [],
  },
  trainText: TYGER.repeat(4),
  trainSeconds: 10,
} as const;
