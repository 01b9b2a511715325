// The ops page: sign-in, the live feed, the key-value store's figures and the key story. The admin token lives in
// this module's memory only: never in storage, the address, a query string or the console.

import { LiveFeed } from './live.js';
import { render, instanceNames } from './views.js';
import { showStory } from './keys.js';
import { refreshKvStats } from './kv.js';
import { time } from './dom.js';

let token = null;
let names = new Map();
let updates = 0;
const byId = (id) => document.getElementById(id);
const authorization = () => ({ Authorization: `Bearer ${token}` });

const feed = new LiveFeed(authorization, {
  snapshot(snapshot) {
    names = instanceNames(snapshot);
    render(snapshot);
    refreshKvStats(authorization);
    updates += 1;
    const counter = byId('update-count');
    counter.textContent = String(updates);
    counter.dataset.value = String(updates);
    byId('updated-at').textContent = `updated ${time(snapshot.at)}`;
  },
  state(state, detail) {
    const connection = byId('connection');
    connection.dataset.state = state;
    connection.textContent = detail ? `${state}: ${detail}` : state;
  },
  refused(error) {
    signOut(error.message);
    const connection = byId('connection');
    connection.dataset.state = 'refused';
    connection.textContent = 'signed out';
  },
});

function signIn(given) {
  const candidate = given.trim();
  if (candidate === '') {
    byId('sign-in-error').textContent = 'Enter an admin token.';
    return;
  }
  token = candidate;
  byId('sign-in-error').textContent = '';
  byId('sign-in-panel').hidden = true;
  byId('dashboard').hidden = false;
  byId('sign-out').hidden = false;
  feed.start();
}

function signOut(reason = '') {
  feed.stop();
  token = null;
  byId('dashboard').hidden = true;
  byId('sign-out').hidden = true;
  byId('sign-in-panel').hidden = false;
  byId('sign-in-error').textContent = reason;
  const connection = byId('connection');
  connection.dataset.state = 'signed-out';
  connection.textContent = 'signed out';
}

byId('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId('token-input');
  const given = input.value;
  input.value = '';
  signIn(given);
});

byId('sign-out').addEventListener('click', () => signOut());

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (token !== null) {
    showStory(byId('key-kind').value, byId('key-input').value.trim(), authorization, names);
  }
});

// #token=<t>: read once, then removed from the address bar and the history entry
const fragment = new URLSearchParams(window.location.hash.slice(1));
if (fragment.has('token')) {
  history.replaceState(null, '', window.location.pathname + window.location.search);
  signIn(fragment.get('token'));
}
