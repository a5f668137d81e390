//! How does the page look? Its inline style sheet, and the few lines of
//! script behind the expand/collapse buttons and the verdict filter.

/// The page's style sheet, inlined in `<head>` (nothing is fetched).
pub(super) const STYLE: &str = r#"
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;max-width:1280px;padding:0 1.5em 3em}
h1{font-size:1.5em;margin:.8em 0 .3em}
h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
h3{font-size:1.05em;margin:1.2em 0 .3em}
code,pre,.dis td,.hex{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-all;margin:.2em 0;background:#f6f8fa;padding:4px 6px;border-radius:4px}
table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
a{color:#0969da;text-decoration:none}
a:hover{text-decoration:underline}
.v-PASS{--c:#1a7f37}.v-NON-STRICT{--c:#9a6700}.v-INFO{--c:#0969da}.v-FAIL{--c:#cf222e}.v-UNIMPLEMENTED{--c:#6e7781}
.v-EXCLUDED{--c:#8c959f}.v-XFAIL{--c:#8250df}.v-XPASS{--c:#bc4c00}.v-ERROR{--c:#82071e}
.badge{display:inline-block;min-width:7.5em;text-align:center;padding:0 6px;border-radius:4px;background:var(--c);color:#fff;font-weight:600;font-size:12px}
.num{text-align:right;font-variant-numeric:tabular-nums}
.counts td{font-size:1.15em;font-weight:600;text-align:right;min-width:4em}
.counts td.nz{color:var(--c)}
.counts td.z{color:#8c959f;font-weight:400}
.counts th{border-top:4px solid var(--c,#d0d7de)}
.info th{width:7em}
.incomplete{background:#ffebe9;border:2px solid #cf222e;color:#82071e;font-weight:700;padding:.5em 1em;margin:.6em 0;border-radius:4px}
nav{margin:.6em 0}
nav a{margin-right:1.2em}
button{font:inherit;font-size:12px;margin-left:.5em}
.ov td.w{color:var(--c);font-weight:600}
.ov tr.worst>td:first-child{border-left:4px solid var(--c)}
.ov td.z{color:#afb8c1}
.lk a{margin-right:.6em;display:inline-block;max-width:100%}
.lk a.bad{color:var(--c);font-weight:600}
details.case{border:1px solid #d0d7de;border-left:6px solid var(--c);border-radius:4px;margin:4px 0;padding:0 10px}
details.case>summary{cursor:pointer;padding:4px 0}
details.case[open]>summary{border-bottom:1px solid #d0d7de;margin-bottom:.4em}
.cid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:600;margin:0 .5em}
.desc{color:#57606a}
.meta th{width:8em;font-weight:600}
.problems{margin:.4em 0;padding-left:1.2em}
.problems li{margin:.2em 0}
.msg{white-space:pre-wrap}
.g{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:700;color:#fff;margin-right:.3em}
.g-MUST{background:#cf222e}.g-SHOULD{background:#9a6700}.g-INFO{background:#0969da}.g-finding{background:#6e7781}
.g-differs{background:#bf8700}
.field{background:#fff8c5;padding:0 3px;border-radius:3px}
.note{background:#f6f8fa;border-left:4px solid #8c959f;padding:.3em .6em;margin:.4em 0;white-space:pre-wrap}
.rerun code{display:block;background:#f6f8fa;padding:4px 6px;border-radius:4px;white-space:pre-wrap;word-break:break-all}
.dis td:nth-child(2){white-space:pre}
.dis tr.hit td{background:#ffebe9}
.dis tr.hit td:nth-child(3){font-weight:700;color:#82071e}
.dis tr.diff td{background:#fff8c5}
.dis tr.err td{color:#82071e;font-style:italic}
.dis td.notes{font-family:system-ui,sans-serif;font-size:12.5px;max-width:34em;white-space:pre-wrap}
.dis b,.hex b{background:#ff8182;color:#000;font-weight:700}
.hex{white-space:pre;display:inline-block;vertical-align:top;background:#f6f8fa;padding:2px 6px;border-radius:4px}
.hexdiff th{font-weight:600;white-space:nowrap}
.ea{display:flex;gap:1em;flex-wrap:wrap}.ea>div{flex:1;min-width:20em}
.steps{list-style:none;padding:0;margin:.3em 0}
.step{border-left:3px solid #d0d7de;padding:.1em 0 .3em .8em;margin:.5em 0}
.step.bad{border-left-color:#cf222e}
.sh{font-weight:600}
.muted{color:#57606a}
td,li,summary,.note,.msg,.desc,.why,code,pre{overflow-wrap:anywhere}
.dis td:nth-child(2),.hex{white-space:pre-wrap;word-break:break-all}
img,table{max-width:100%}
.counts td a{color:inherit}
#filter{margin:.4em 0}#filter label{margin-right:1em;color:var(--c);font-weight:600;white-space:nowrap}
.vh{margin:1em 0 .3em;font-size:1.05em}
ul.ug{list-style:none;padding:0}
details.ug{border:1px solid #d0d7de;border-left:6px solid #6e7781;border-radius:4px;margin:4px 0;padding:2px 10px}
details.ug>summary{cursor:pointer}
.lk a.more{color:#57606a;font-style:italic}
"#;

/// The verdict filter's rules: unticking a verdict hides its cases and its
/// list heading (and the UNIMPLEMENTED section).
pub(super) fn filter_css() -> String {
    let mut s = String::new();
    for v in crate::cases::run::Verdict::ALL {
        let n = v.name();
        s.push_str(&format!(".hide-{n} details.case.v-{n},.hide-{n} .vh.v-{n}{{display:none}}\n"));
    }
    s.push_str(".hide-UNIMPLEMENTED #unimplemented{display:none}\n");
    s
}

/// Expand/collapse buttons, the verdict filter, and opening a collapsed
/// case (and the reason group around it) when a link targets it. The
/// page reads fine without it.
pub(super) const SCRIPT: &str = r#"
function setAll(o){document.querySelectorAll('#not-passed details.case').forEach(function(d){d.open=o;});}
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));var e=id&&document.getElementById(id);for(;e;e=e.parentElement){if(e.tagName==='DETAILS'){e.open=true;}}}
window.addEventListener('hashchange',openTarget);openTarget();
var f=document.getElementById('filter');f.hidden=false;
f.addEventListener('change',function(ev){document.body.classList.toggle('hide-'+ev.target.value,!ev.target.checked);});
"#;
