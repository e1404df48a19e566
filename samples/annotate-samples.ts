// Writes the sample workspace's annotation sidecars from entity strings: every whole-word occurrence of
// each entity is labelled, longer entities first, so no offset is ever typed by hand.
// Run: node --import tsx samples/annotate-samples.ts
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AnnotationStore } from '../src/core/data/annotationStore.js';
import type { Span } from '../src/core/data/types.js';

type Label = 'person' | 'location' | 'corporation' | 'product' | 'creative-work' | 'group';

const ENTITIES: Record<string, Record<string, Label>> = {
  'news/technology.txt': {
    Apple: 'corporation', 'iPhone 16': 'product', Cupertino: 'location', 'Tim Cook': 'person', 'Morgan Stanley': 'corporation',
    China: 'location', India: 'location', Samsung: 'corporation', 'Galaxy S24': 'product', Seoul: 'location', Android: 'product',
    Google: 'corporation', 'Mountain View': 'location', 'Sundar Pichai': 'person', Microsoft: 'corporation', 'Satya Nadella': 'person',
    Copilot: 'product', Redmond: 'location', Macintosh: 'product', 'Steve Jobs': 'person', 'The Verge': 'corporation', 'Pixel 9': 'product',
  },
  'news/sports.txt': {
    'Real Madrid': 'group', Barcelona: 'group', 'Santiago Bernabéu': 'location', 'Jude Bellingham': 'person', 'Vinícius Júnior': 'person',
    'Robert Lewandowski': 'person', London: 'location', Arsenal: 'group', Chelsea: 'group', 'Bukayo Saka': 'person',
    'Los Angeles Lakers': 'group', 'LeBron James': 'person', James: 'person', California: 'location', 'Serena Williams': 'person',
    'Golden State Warriors': 'group', 'San Francisco': 'location', 'New Zealand All Blacks': 'group', Japan: 'location',
    'Novak Djokovic': 'person', Melbourne: 'location',
  },
  'news/music.txt': {
    'Taylor Swift': 'person', 'Eras Tour': 'creative-work', Paris: 'location', 'La Défense Arena': 'location', Midnights: 'creative-work',
    Coldplay: 'group', 'Wembley Stadium': 'location', 'Chris Martin': 'person', Spotify: 'corporation', 'Bad Bunny': 'person',
    'Tití Me Preguntó': 'creative-work', Billboard: 'corporation', 'The Rolling Stones': 'group', 'Hackney Diamonds': 'creative-work',
    'Mick Jagger': 'person', 'Los Angeles': 'location', Nassau: 'location', BTS: 'group', 'South Korea': 'location', Beyoncé: 'person',
    Renaissance: 'creative-work',
  },
  'news/film.txt': {
    'Christopher Nolan': 'person', Oppenheimer: 'creative-work', 'Cillian Murphy': 'person', 'Universal Pictures': 'corporation',
    'Greta Gerwig': 'person', Barbie: 'creative-work', Hertfordshire: 'location', 'Warner Bros': 'corporation', Netflix: 'corporation',
    Wednesday: 'creative-work', 'Jenna Ortega': 'person', Romania: 'location', 'Denis Villeneuve': 'person', 'Dune: Part Two': 'creative-work',
    Jordan: 'location', 'Abu Dhabi': 'location', Zendaya: 'person', 'Timothée Chalamet': 'person', 'Mexico City': 'location',
    'Studio Ghibli': 'corporation', Tokyo: 'location', 'The Boy and the Heron': 'creative-work', 'Hayao Miyazaki': 'person',
  },
  'news/cars.txt': {
    Tesla: 'corporation', Cybertruck: 'product', Austin: 'location', Texas: 'location', 'Elon Musk': 'person', Volkswagen: 'corporation',
    'ID.7': 'product', Germany: 'location', Toyota: 'corporation', 'North Carolina': 'location', 'Akio Toyoda': 'person', Prius: 'product',
    BMW: 'corporation', iX: 'product', Arjeplog: 'location', 'Arctic Circle': 'location', Ford: 'corporation', 'F-150 Lightning': 'product',
    'Jim Farley': 'person', Detroit: 'location', BYD: 'corporation', Hungary: 'location', 'Wang Chuanfu': 'person', Seal: 'product',
  },
  'news/travel.txt': {
    Venice: 'location', 'Luigi Brugnaro': 'person', Ryanair: 'corporation', Dublin: 'location', Marrakech: 'location',
    "Michael O'Leary": 'person', Morocco: 'location', Airbnb: 'corporation', Barcelona: 'location', Kyoto: 'location', Gion: 'location',
    Louvre: 'location', 'Lonely Planet': 'corporation', Bhutan: 'location', 'Camino de Santiago': 'location',
    'Santiago de Compostela': 'location', Emirates: 'corporation', 'Airbus A380': 'product', Dubai: 'location', Sydney: 'location',
  },
  'news/books.txt': {
    'Haruki Murakami': 'person', 'The City and Its Uncertain Walls': 'creative-work', Japan: 'location', Knopf: 'corporation',
    'Penguin Random House': 'corporation', 'Prince Harry': 'person', Spare: 'creative-work', 'Salman Rushdie': 'person',
    Knife: 'creative-work', Chautauqua: 'location', 'New York': 'location', Amazon: 'corporation', 'Kindle Scribe': 'product',
    'Margaret Atwood': 'person', Edinburgh: 'location', "The Handmaid's Tale": 'creative-work', Hulu: 'corporation', Nairobi: 'location',
    "Ngũgĩ wa Thiong'o": 'person', 'Paul Lynch': 'person', 'Prophet Song': 'creative-work', 'Zadie Smith': 'person', NW: 'creative-work',
    London: 'location',
  },
  'news/science.txt': {
    NASA: 'group', 'Europa Clipper': 'product', 'Cape Canaveral': 'location', Florida: 'location', Jupiter: 'location',
    SpaceX: 'corporation', 'Falcon Heavy': 'product', 'Gwynne Shotwell': 'person', CERN: 'group', Geneva: 'location',
    'Large Hadron Collider': 'location', 'European Space Agency': 'group', Juice: 'product', 'Jennifer Doudna': 'person',
    Berkeley: 'location', DeepMind: 'corporation', London: 'location', 'AlphaFold 3': 'product', 'Demis Hassabis': 'person',
    'James Webb Space Telescope': 'product',
  },
  'news/business.txt': {
    Nvidia: 'corporation', 'Jensen Huang': 'person', Blackwell: 'product', 'San Jose': 'location', OpenAI: 'corporation',
    Meta: 'corporation', 'Sam Altman': 'person', ChatGPT: 'product', Amsterdam: 'location', ASML: 'corporation', TSMC: 'corporation',
    Arizona: 'location', Kumamoto: 'location', 'Mark Zuckerberg': 'person', 'Ray-Ban Meta': 'product', Unilever: 'corporation',
    "Ben & Jerry's": 'corporation', 'Warren Buffett': 'person', 'Berkshire Hathaway': 'corporation', Apple: 'corporation',
    Nestlé: 'corporation', Zurich: 'location',
  },
  'news/community.txt': {
    Greenpeace: 'group', Oslo: 'location', 'Médecins Sans Frontières': 'group', Sudan: 'location', 'Red Cross': 'group',
    Valencia: 'location', UNICEF: 'group', Bangladesh: 'location', 'Berlin Philharmonic': 'group', Kyiv: 'location',
    "Vienna Boys' Choir": 'group', Brazil: 'location', Wikipedia: 'product', Lagos: 'location',
    'Green Bay Packers': 'group', Oxfam: 'group', Davos: 'location', 'The Beatles': 'group', 'Abbey Road': 'creative-work',
  },
};

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const isWord = (ch: string | undefined) => ch !== undefined && WORD.test(ch);

function spansFor(file: string, text: string, entities: Record<string, Label>): Span[] {
  const spans: Span[] = [];
  const byLength = Object.entries(entities).sort((a, b) => b[0].length - a[0].length);
  for (const [entity, label] of byLength) {
    let found = 0;
    for (let at = text.indexOf(entity); at >= 0; at = text.indexOf(entity, at + 1)) {
      const end = at + entity.length;
      if (isWord(text[at - 1]) || isWord(text[end])) continue;
      found++;
      if (spans.some((s) => at < s.end && s.start < end)) continue;
      spans.push({ start: at, end, label });
    }
    if (found === 0) throw new Error(`${file}: entity "${entity}" does not occur as a whole word`);
  }
  return spans;
}

async function main(): Promise<void> {
  const root = join(__dirname, 'workspace');
  const store = new AnnotationStore(root);
  const files = (await readdir(join(root, 'news'))).filter((f) => f.endsWith('.txt')).map((f) => `news/${f}`).sort();
  let total = 0;
  for (const file of files) {
    const entities = ENTITIES[file];
    if (!entities) throw new Error(`${file}: no entity list`);
    const text = await store.readText(file);
    const spans = spansFor(file, text, entities);
    await store.save(file, text, spans);
    total += spans.length;
    console.log(`${file}: ${text.split('\n').filter(Boolean).length} sentences, ${spans.length} spans`);
  }
  console.log(`${files.length} files, ${total} spans`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
