/** The web inbox: signs in with an inbox user's credentials and works through the gateway's JSON API. */
const root = document.getElementById('app');
root.replaceChildren(Object.assign(document.createElement('h1'), { textContent: 'Switchboard inbox' }));
