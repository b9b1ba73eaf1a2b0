import type { AccountRecord, AppRecord, PageRecord } from './state-types.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
body{margin:0;font-family:Helvetica,Arial,sans-serif;background:#f0f2f5;color:#1c1e21}
header{background:#1877f2;color:#fff;font-weight:bold;font-size:28px;padding:10px 24px;letter-spacing:-1px}
main{max-width:500px;margin:32px auto;background:#fff;border-radius:8px;box-shadow:0 2px 4px rgba(0,0,0,.1),0 8px 16px rgba(0,0,0,.1);padding:24px}
h1{font-size:20px;margin:0 0 8px}p{color:#606770;font-size:15px}
ul.scopes{padding-left:20px;color:#1c1e21;font-size:14px}
fieldset{border:1px solid #dddfe2;border-radius:6px;margin:12px 0;padding:8px 12px}
legend{font-weight:bold;font-size:15px}label{display:block;padding:4px 0;font-size:15px}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:16px}
button{border:0;border-radius:6px;padding:8px 20px;font-size:15px;font-weight:bold;cursor:pointer}
button.primary{background:#1877f2;color:#fff}button.secondary{background:#e4e6eb;color:#050505}
.error{color:#be4b49}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><header>facebook</header><main>${body}</main></body></html>`;
}

/** The error page Facebook shows instead of the dialog (bad client_id, blocked redirect URI). */
export function renderDialogError(title: string, message: string): string {
  return layout(
    title,
    `<h1 class="error" data-testid="oauth-error">${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`,
  );
}

export interface DialogView {
  app: AppRecord;
  accounts: AccountRecord[];
  pages: Map<string, PageRecord>;
  scopes: string[];
  /** Hidden fields carried to the POST (client_id, redirect_uri, state, scope). */
  hidden: Record<string, string>;
  action: string;
}

/** The Login dialog: choose an account, see the scopes, tick the pages, Continue or Cancel. */
export function renderDialog(view: DialogView): string {
  const hidden = Object.entries(view.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const scopes = view.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  const accounts = view.accounts
    .map((account, index) => {
      const pages = account.pages
        .map(({ page_id }) => {
          const page = view.pages.get(page_id);
          if (!page) return '';
          return `<label><input type="checkbox" name="page_ids" value="${escapeHtml(page.id)}" checked data-testid="oauth-page-${escapeHtml(page.id)}"> ${escapeHtml(page.name)}</label>`;
        })
        .join('');
      const checked = index === 0 ? ' checked' : '';
      return `<fieldset><legend><label><input type="radio" name="account_id" value="${escapeHtml(account.id)}"${checked} data-testid="oauth-account-${escapeHtml(account.id)}"> Continue as ${escapeHtml(account.name)}</label></legend>${pages || '<p>This account manages no pages.</p>'}</fieldset>`;
    })
    .join('');
  return layout(
    `Log in with Facebook`,
    `<form method="post" action="${escapeHtml(view.action)}" data-testid="oauth-dialog">${hidden}
<h1>${escapeHtml(view.app.name)} is requesting access to:</h1>
<ul class="scopes" data-testid="oauth-scopes">${scopes || '<li>public_profile</li>'}</ul>
<p>Choose the account and the Pages ${escapeHtml(view.app.name)} may use.</p>${accounts}
<div class="actions"><button type="submit" name="action" value="cancel" class="secondary" data-testid="oauth-cancel">Cancel</button>
<button type="submit" name="action" value="approve" class="primary" data-testid="oauth-approve">Continue</button></div></form>`,
  );
}
