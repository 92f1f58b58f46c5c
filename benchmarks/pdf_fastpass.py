import sys, time, difflib
sys.path.insert(0, '.')
from extractors.parse import pdf as P
def spans(d): return [(p.page, p.kind, p.char_start, p.char_end) for p in d.passages]
for path in sys.argv[1:]:
    raw = open(path, 'rb').read()
    try:
        P.FAST_PASS = False; t=time.perf_counter(); a = P.parse_pdf('s', 'x', raw); ta=time.perf_counter()-t
    except Exception as e:
        a = e; ta = 0
    try:
        P.FAST_PASS = True; t=time.perf_counter(); b = P.parse_pdf('s', 'x', raw); tb=time.perf_counter()-t
    except Exception as e:
        b = e; tb = 0
    name = path.split('/')[-1][:40]
    if isinstance(a, Exception) or isinstance(b, Exception):
        print(name, 'ERR', repr(a)[:60] if isinstance(a, Exception) else 'ok', '|', repr(b)[:60] if isinstance(b, Exception) else 'ok', str(a)==str(b)); continue
    same = a.text == b.text and spans(a) == spans(b) and a.title == b.title
    print(f"{name:40s} same={same} slow={ta:.2f}s fast={tb:.2f}s  {b.parser_detail[:110]}")
    if not same:
        pa = {p.page for p in a.passages}
        bad = sorted({x.page for x, y in zip(a.passages, b.passages) if x.text != y.text})[:8]
        print('   differing pages', bad, 'title', a.title == b.title)
        if '-v' in sys.argv[0:1] or True:
            at = a.text.split('\n'); bt = b.text.split('\n')
            d = [l for l in difflib.unified_diff(at, bt, lineterm='', n=0) if l[:1] in '+-' and l[:3] not in ('+++', '---')][:4]
            for l in d: print('     ', l[:150])
