// Building the page's elements. Data only ever goes in as text (textContent, attribute values), never as markup.

const SVG = 'http://www.w3.org/2000/svg';

/** An element with attributes and children; strings and numbers become text, null and false are skipped. */
export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** An SVG element, as {@link el}. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * A table: columns are {label, value(row), numeric?, field?}; a numeric cell keeps its raw number in data-value.
 * rowAttributes(row) gives each row's attributes (data-testid, data-key...).
 */
export function table(columns, rows, rowAttributes = () => ({}), attributes = {}) {
  const head = el('tr', {}, columns.map((column) => el('th', { class: column.numeric ? 'num' : null }, column.label)));
  const body = rows.map((row) => el('tr', rowAttributes(row), columns.map((column) => {
    const value = column.value(row);
    if (value instanceof Node) {
      return el('td', { 'data-field': column.field }, value);
    }
    if (column.numeric) {
      return el('td', { class: 'num', 'data-field': column.field, 'data-value': value ?? '' },
        column.format ? column.format(value) : number(value));
    }
    return el('td', { 'data-field': column.field }, value ?? '');
  })));
  return el('table', attributes, el('thead', {}, head), el('tbody', {}, body));
}

/** Replaces the children of #id. */
export function show(id, ...children) {
  document.getElementById(id).replaceChildren(...children.flat().filter((child) => child != null));
}

export function empty(text) {
  return el('p', { class: 'muted' }, text);
}

export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '–';
  }
  return Number(value).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function rate(value) {
  return number(value, value !== null && value !== undefined && Math.abs(value) < 10 ? 2 : 1);
}

export function millis(value) {
  return value === null || value === undefined ? '–' : `${number(value, value < 10 ? 2 : 1)} ms`;
}

export function bytes(value) {
  if (value === null || value === undefined) {
    return '–';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let amount = Number(value);
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit += 1;
  }
  return `${number(amount, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '–';
  }
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  if (hours > 0) {
    return `${hours}h ${minutes}m`;
  }
  return minutes > 0 ? `${minutes}m ${s % 60}s` : `${s}s`;
}

export function time(iso) {
  if (!iso) {
    return '–';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString('en-GB', { hour12: false });
}

/** A collapsed block showing a value as indented JSON. */
export function jsonDetails(label, value) {
  return el('details', {}, el('summary', {}, label), el('pre', {}, JSON.stringify(value, null, 2)));
}
