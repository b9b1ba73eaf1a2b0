/**
 * Renderer throughput: generic responses rendered (and paced) per second, for a few realistic turns.
 * Exported for `npm run bench`; runnable alone with `npx tsx bench/render-throughput.ts`.
 */
import { pathToFileURL } from 'node:url';
import type { GenericResponse } from '../src/assistants/responses.ts';
import { paceTurn } from '../src/messenger/render/pacing.ts';
import { renderResponses } from '../src/messenger/render/render-responses.ts';

const paragraph =
  'Your order left our warehouse this morning. It should reach the local depot tonight, and the courier ' +
  'will bring it tomorrow between 9 and 12. You will get a text message one hour before delivery. ';

const TURNS: Record<string, GenericResponse[]> = {
  'greeting with quick replies': [
    { type: 'text', text: 'Hi Lena 👋, I am the Acme assistant.' },
    {
      type: 'option',
      title: 'What can I do for you?',
      options: [
        { label: 'Order status', value: 'order_status' },
        { label: 'Returns', value: 'returns' },
        { label: 'Talk to a person', value: 'human' },
      ],
    },
  ],
  'mixed media turn': [
    { type: 'text', text: 'Order 123456 ships tomorrow.' },
    { type: 'pause', ms: 1200, typing: true },
    { type: 'image', url: 'https://example.com/truck.png', title: 'On its way', description: 'Arrives Tuesday' },
    { type: 'file', url: 'https://example.com/invoice.pdf', title: 'Invoice' },
    {
      type: 'carousel',
      cards: Array.from({ length: 12 }, (_, i) => ({
        title: `Product ${i + 1}: a blue ceramic mug with a long descriptive name`,
        subtitle: '350 ml, dishwasher safe, made in Portugal from recycled clay',
        image_url: `https://example.com/p${i}.jpg`,
        buttons: [
          { label: 'Buy now', value: `BUY_${i}` },
          { label: 'See all the details of this product', url: `https://example.com/p${i}` },
        ],
      })),
    },
    {
      type: 'option',
      title: 'Anything else?',
      options: Array.from({ length: 7 }, (_, i) => ({
        label: `Department number ${i + 1} of the shop`,
        value: `d${i}`,
      })),
    },
  ],
  'long model answer (readable split)': [{ type: 'text', text: paragraph.repeat(30) }],
  // What any person or bot may send: the segmenters must stay linear in the text's length.
  '60,000-character text (readable split)': [{ type: 'text', text: paragraph.repeat(300) }],
};

const TURN_MS = 400;

function measureTurn(responses: GenericResponse[], withPacing: boolean): number {
  let rendered = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < TURN_MS) {
    for (let i = 0; i < 50; i++) {
      const steps = renderResponses(responses, { readableLength: 320 });
      if (withPacing) paceTurn(steps, { typing: true, delayBetweenMs: 800, responseDelayMs: 20_000 });
      rendered += responses.length;
    }
    elapsed = performance.now() - started;
  }
  return Math.round((rendered / elapsed) * 1000);
}

/** Responses per second for each sample turn, rendered alone and rendered then paced. */
export async function runRenderThroughput(): Promise<{ name: string; responsesPerSecond: number }[]> {
  const results: { name: string; responsesPerSecond: number }[] = [];
  for (const [name, responses] of Object.entries(TURNS)) {
    measureTurn(responses, true); // warm-up
    results.push({ name: `render: ${name}`, responsesPerSecond: measureTurn(responses, false) });
    results.push({ name: `render + pace: ${name}`, responsesPerSecond: measureTurn(responses, true) });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { name, responsesPerSecond } of await runRenderThroughput()) {
    console.log(`${name.padEnd(52)} ${responsesPerSecond.toLocaleString('en').padStart(12)} responses/s`);
  }
}
