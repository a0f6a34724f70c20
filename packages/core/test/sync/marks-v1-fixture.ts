/**
 * A snapshot written before the marks groups' second column layout (`format/marks-shapes.ts`):
 * two replicas (7 and 8) typing, formatting, deleting and syncing one text `t`, encoded at
 * 4671f94 (marks in the first column layout, text skipping the marks' clocks). Newer readers must
 * load it to the same text and formatting.
 */
export const V1_SNAPSHOT = [
  'BAMCBwgCAAIBdGlYAgAAhgQOBAIxugEWBQuIAgBOBQQCDqoBFwUIAgBkJt8BZkaGIwcEAg0mT2ZligEIGwQCB6ZJFwQCKLoA',
  'GgVWBAIluAIBFAUNBAIiuAIANgVqygE0BAIBLioAG2ZYBAKDAbQCck4uCAIBMDQCRgW6AAweGggCARqqAA0eCAIBCmoABVoB',
  'AAQCKbQCagYCiAIAFAUIAgEipmAKiAIAEBEEAoQBugEYBUqKAC4JiAIBIAUEAgwqAC8qARmmVQ6KACJehg8eigEmCQgCAFg4',
  'AgEoBi6qADMiBAIeNAJqHqZJYggCATq6AEQFC4QCBRIEAhY0AlQSJk22fCMGBAIVplcKhAIgVgQCFLQCbioOCAIBJDgCAB4a',
  'tk4aJgQCJ6ZpKggCARK6AAg7JYQCgwEFBAISOAIBHge2VAkLiAIAJAUEAjaqAQ0FCAIARjQCehamRxEEAooBugEcBTYIAgBa',
  'KgEdtAJQCx4IAgAwKAIBBmZHSgAcBAIhtlguKgQCEyZVZk2iAXcgdHcgd3cgdyAgdyB5dHd3ICB5dHR5eXR5d3R5dHl0eXcg',
  'dHcgeSB3dyB0eXcgdHl0dyB5dyAgdHcgdHl0eXcgd3R5dyB0d3R5dHkgeSB0dHR0eXcgeXl0eXcgeXcgd3cgdyB3ICB0dHl5',
  'dHl0eXR5dHl3IHR3IHl3IHR3IHcgdHl0dHl0eXl0eXcgeXcgdHR5eXR5dHl3IHl3dHl0dHl5IAMCAXT4RWqypqayo6Inp7aj',
  'J6IntqMjJ6eioqcApgC2o6eioqantiK2gAGABCeEhKejJ6OmarKmtiOAtgUyJ4CFAAG2trYjgIC2IycABAICAgICBAQEBgIC',
  'BAICAgwGAggCAgIIBggBAgQEDAgIBAQGAgRMQkhCTkJCQkJYQkJIYU9CARtYARlCxAFDzAF+QmVCASkBEQEnARViAQoBOcIC',
  'xQFC8AF4QkIAAEIAPFxCADgABgBNAE5CQkIALQB3QlLDhBgAAbICAIjCJgBgACAIAAAAAAAAAAAAAAAAAAAAADFVdldnZ3Z2',
  'ZmZmZmYiVyZD+0VuUbKPfrmYby4BYlU1Y59vFglBafZ+6vfF4mGJOGRfAgAAAAABBAAAAAA++hAAAAAAAAAAAAAAAAAAAAAA',
  'AEUxZ3ZmZmZWVmZgJarLb3HFV/397758+0zqv1/tcX3tAgQAsgEQAC0QiqyxfzoEkECNAf+bKAAAAAAAAAAAAAAAAAQEAgAA',
  'AAAAABAAAAAAAAAAElV2ZlV3d3d3cC37++JJJPCSZTuknCTCdJJOkwmnCSYdMuUm2Gky/4TTymXt6ZbYabTl2cphhtBFCwAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAASIAtFBBDwNgAAWgAIQF22gAAAAMBABAAAAADogR0BAAAAAAAAAAAAAAAA',
  'AAAAADJyd3VmNmZmZmZgJhlBlGUZQAZQGUZQABlGUZfs+b9aav7fzznvPGPf/HW2MgZWVlBlAA==',
].join('');

/** The text of {@link V1_SNAPSHOT}. */
export const V1_TEXT =
  'w tw ww w  w ytww  yttyytywtytytyw tw y ww tyw tytw yw  tw tytyw wtyw twtyty y ttttyw yytyw yw ww w w  ttyytytytytyw tw yw tw w tyttytyytyw yw ttyytytyw ywtyttyy ';

/** The formatting of {@link V1_SNAPSHOT} (`toDelta()`). */
export const V1_DELTA = [
  { insert: 'w' },
  { insert: ' ', attributes: { italic: true } },
  { insert: 'tw w', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: ' w  w y', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'tww ', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: ' ', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'ttyyty', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w', attributes: { bold: true } },
  { insert: 'tyt', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'ty', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w ', attributes: { bold: true, italic: true } },
  { insert: 'tw y', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: ' ww ', attributes: { bold: true } },
  { insert: 'ty', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w ', attributes: { bold: true } },
  { insert: 'tytw y', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w  ', attributes: { bold: true } },
  { insert: 'tw ty', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tyw ', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tyw t', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'wt', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'yty y', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: ' ', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'ttttyw yyty', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'w', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: ' ', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'yw ww w w  ', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'ttyytytyt', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tyw tw yw', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: ' ', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tw w ', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 't', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'ytt', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tyytyw yw ttyyt', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'tyw', attributes: { bold: true, 'comment:0': 'c' } },
  {
    insert: ' ',
    attributes: { bold: true, 'comment:0': 'c', italic: true, link: { href: 'https://x.org/6' } },
  },
  { insert: 'y', attributes: { bold: true, 'comment:0': 'c', link: { href: 'https://x.org/6' } } },
  { insert: 'w', attributes: { bold: true, italic: true, link: { href: 'https://x.org/6' } } },
  { insert: 'tyt', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: 't', attributes: { bold: true, 'comment:0': 'c', italic: true } },
  { insert: 'yy', attributes: { bold: true, 'comment:0': 'c' } },
  { insert: ' ', attributes: { bold: true } },
];
