// System fonts, WCAG AA contrast, visible focus, tables that scroll on a phone instead of overflowing the page.
#include "panel/panel_style.h"

namespace dyndns::panel {

const char* stylesheet() {
    return R"css(:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b5cad; --bad: #a4161a; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem;
         padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
.brand { margin: 0; font-weight: 700; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
a { color: var(--accent); }
a:focus, button:focus, input:focus { outline: 3px solid #f5a623; outline-offset: 2px; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; word-break: break-word; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; display: block; overflow-x: auto; }
caption { text-align: left; font-weight: 600; color: var(--muted); padding-bottom: .25rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
code, pre { font: .9rem/1.4 ui-monospace, monospace; }
pre { background: #f3f3f3; padding: .75rem; overflow-x: auto; border-radius: 4px; }
label { font-weight: 600; }
.login { display: grid; gap: .5rem; max-width: 22rem; }
input { font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 4px; }
input[type=checkbox] { width: 1.25rem; height: 1.25rem; vertical-align: middle; margin-right: .4rem; }
button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent);
         color: #fff; cursor: pointer; }
.logout button, td button { background: #fff; color: var(--accent); }
.switch { margin: 1rem 0; }
.problem { color: var(--bad); border-left: 4px solid var(--bad); padding-left: .75rem; }
.secret { border: 2px solid var(--accent); padding: .5rem 1rem; border-radius: 4px; word-break: break-all; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.pages a { margin-right: 1rem; }
.timeline { margin: .5rem 0 1rem; }
.timeline svg { max-width: 40rem; display: block; }
.timeline figcaption { color: var(--muted); font-size: .9rem; }
)css";
}

} // namespace dyndns::panel
