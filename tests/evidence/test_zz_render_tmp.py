from pathlib import Path
from tests.evidence.test_documents import *  # noqa

def test_render_to_tmp(facts_case, borrower):
    out = Path("/tmp/evdocs"); out.mkdir(exist_ok=True)
    for kind, channel in [("evidence_list", ""), ("complaint", "12378"), ("complaint", "12321"), ("complaint", "110"), ("stop_notice", "")]:
        d = document_generate(case=facts_case, actor=borrower, kind=kind, channel=channel, inputs={"name": "张三"})
        (out / f"{kind}-{channel or 'x'}.pdf").write_bytes(stored_pdf(d))
        (out / f"{kind}-{channel or 'x'}.html").write_text(d.html)
