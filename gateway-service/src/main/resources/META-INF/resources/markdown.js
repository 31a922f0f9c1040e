// A small, safe markdown subset for chat messages, rendered as DOM nodes: every piece of text
// becomes a text node (never HTML), and only these elements are made: p, br, strong, em, code,
// pre, a (http, https and mailto only), ul, ol, li, blockquote, h3-h5. Whatever else a reply or
// another user's message holds, including HTML, shows as the text it is.

const LINK_SCHEMES = /^(https?:|mailto:)/i;

/** Renders `text` into a new DocumentFragment. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      const code = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i++]);
      i++; // the closing fence, or the end of an unfinished block while a stream still writes it
      const pre = el('pre');
      pre.append(el('code', code.join('\n')));
      fragment.append(pre);
    } else if (/^\s*$/.test(line)) {
      i++;
    } else if (/^#{1,3}\s+/.test(line)) {
      const level = line.match(/^#+/)[0].length;
      const heading = el('h' + (level + 2));
      inline(heading, line.replace(/^#{1,3}\s+/, ''));
      fragment.append(heading);
      i++;
    } else if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const list = el(ordered ? 'ol' : 'ul');
      const item = ordered ? /^\s*\d+[.)]\s+/ : /^\s*[-*+]\s+/;
      while (i < lines.length && item.test(lines[i])) {
        const li = el('li');
        inline(li, lines[i].replace(item, ''));
        list.append(li);
        i++;
      }
      fragment.append(list);
    } else if (/^\s*>/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ''));
      const quote = el('blockquote');
      quote.append(renderMarkdown(quoted.join('\n')));
      fragment.append(quote);
    } else {
      const paragraph = [];
      while (i < lines.length && !/^\s*$/.test(lines[i]) && !/^\s*(```|>|#{1,3}\s|([-*+]|\d+[.)])\s)/.test(lines[i])) {
        paragraph.push(lines[i++]);
      }
      const p = el('p');
      paragraph.forEach((l, n) => {
        if (n > 0) p.append(el('br'));
        inline(p, l);
      });
      fragment.append(p);
    }
  }
  return fragment;
}

// Inline spans, left to right: `code`, **strong**, *em* or _em_, [text](url). An unmatched
// marker is plain text.
const INLINE = /`([^`]+)`|\*\*([^*]+?)\*\*|__([^_]+?)__|\*([^*\s][^*]*?)\*|(?<![\w])_([^_\s][^_]*?)_(?![\w])|\[([^\]]+)\]\(([^)\s]+)\)/;

function inline(parent, text) {
  let rest = text;
  while (rest.length > 0) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.append(document.createTextNode(rest));
      return;
    }
    if (m.index > 0) parent.append(document.createTextNode(rest.slice(0, m.index)));
    if (m[1] !== undefined) {
      parent.append(el('code', m[1]));
    } else if (m[2] !== undefined || m[3] !== undefined) {
      const strong = el('strong');
      inline(strong, m[2] ?? m[3]);
      parent.append(strong);
    } else if (m[4] !== undefined || m[5] !== undefined) {
      const em = el('em');
      inline(em, m[4] ?? m[5]);
      parent.append(em);
    } else if (LINK_SCHEMES.test(m[7])) {
      const a = el('a');
      a.href = m[7];
      a.rel = 'noopener noreferrer nofollow';
      a.target = '_blank';
      inline(a, m[6]);
      parent.append(a);
    } else {
      parent.append(document.createTextNode(m[0])); // a link to anything else stays text
    }
    rest = rest.slice(m.index + m[0].length);
  }
}

function el(name, text) {
  const e = document.createElement(name);
  if (text !== undefined) e.textContent = text;
  return e;
}
