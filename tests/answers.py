"""Hand-written answers per quality: clearly strong, clearly weak, and keyword-stuffed.

Written from the rubric levels, not from the heuristic's patterns, so the tests that use them
can catch a heuristic that drifts from the rubric.
"""

from __future__ import annotations

from interviewer.domain import QualityId

_STRONG: dict[QualityId, str] = {
    QualityId.CALIBRATED_SKEPTICISM: (
        "First I'd find out where a wrong answer hurts most: a wrong refund amount costs money and trust, while a "
        "clumsy tone costs little. I'd pull 300 real tickets into an eval set and measure how often the draft gets "
        "the amount wrong, and sample 5% of live outputs every week. Refunds over $500 go to a human reviewer before "
        "they are sent. We ship when accuracy on that set is at least 95% and the weekly sample shows no critical "
        "error. In billing the classic failure is the model inventing a discount that was never approved, so the "
        "eval set over-weights discount tickets. Over time we loosen review for categories that stay above 98% for a "
        "month and tighten it after any incident, because reviewing everything would add a day of latency and cost "
        "more than the errors it catches."
    ),
    QualityId.PROBABILISTIC_THINKING: (
        "I wouldn't write the spec as 'the summary is correct'. I'd write it as a distribution: on an eval set of 500 "
        "real calls, at least 90% of summaries capture every action item, and fewer than 1% invent one. We run the "
        "same prompt five times per call to see the variance, and we treat a drop of more than two points between "
        "releases as a regression that blocks launch. Acceptance criteria are thresholds on that eval set, not single "
        "examples, and we re-run it whenever the model or prompt changes. For the tail, we estimate the error rate "
        "with a confidence interval, since with 500 cases a 1% rate could really be anywhere from about 0.3% to 2%."
    ),
    QualityId.LIMITATION_COMMUNICATION: (
        "I'd tell the VP plainly: the summaries are right about 92% of the time on our eval of 400 real accounts, and "
        "when they're wrong it's usually a stale renewal date, which could embarrass a rep on a call. So my "
        "recommendation is to keep it on, but show the source next to every renewal date and have reps check that "
        "field before a call. For a sales team I'd frame it as a prep shortcut, not a replacement for prep. We pilot "
        "with two teams for a month, with a human in the loop on renewal dates, and measure prep time and error "
        "reports. When a visible failure happens, I'd show that the error rate hasn't moved, fix that case, and keep "
        "it on rather than pull it."
    ),
    QualityId.PROMPTING_AS_THINKING: (
        "Before building anything I wrote the task as a prompt for myself: 'Given a support ticket, decide whether it "
        "is a refund request, and if so extract the order id and amount.' Writing it out exposed the ambiguity "
        "straight away: what counts as a refund when a customer asks for store credit? I broke the problem into "
        "steps, classify then extract then validate, and wrote explicit requirements for each, with three "
        "edge-case examples. Sharing "
        "that prompt with legal and support caught two disagreements about partial refunds before any engineer "
        "started, so the prompt became the spec we tested against."
    ),
    QualityId.TECHNICAL_CURIOSITY: (
        "The assistant quotes last year's pricing because retrieval is returning the old page: the index was built "
        "before the update and nobody re-embeds changed documents. I'd check which chunks come back for a pricing "
        "question and their timestamps. The model itself only sees what's in its context window, so if the stale "
        "chunk ranks higher than the new one it will confidently repeat it. Fixes are a re-indexing job on every docs "
        "change, metadata filtering by date, and a check that cited sources are current. I'd also ask engineering "
        "why similarity ranks the old page higher, because duplicate content might be diluting the new one."
    ),
    QualityId.USER_EMPATHY: (
        "I'd start from the nurses, not the model. I shadowed six of them on night shifts and saw they document after "
        "the shift, tired, from memory, and what they fear is missing a medication change. So the first version "
        "drafts only the medication section, shows where each line came from, and fits their handover routine rather "
        "than adding a new screen. We interviewed them again after two weeks: they trusted it when it showed its "
        "sources and ignored it when it didn't. The problem we solve is the late-night recall burden, and we measure "
        "it with time to complete notes and the number of corrections nurses make."
    ),
    QualityId.STAKEHOLDER_COMMUNICATION: (
        "For the CFO I'd lead with the bottom line: the AI triage will cut first-response time from four hours to "
        "one, which our data ties to about 3% less churn, worth roughly $2M a year. My recommendation is to fund a "
        "two-month pilot with one support team. The main risk is misrouted urgent tickets, so urgent ones still go to "
        "a person and we report the misroute rate every week. I'd skip the model details entirely and give one "
        "decision: approve the pilot budget of $150k by Friday so we can start next sprint."
    ),
    QualityId.PRIORITIZATION: (
        "We had three asks: multilingual support, a better tone model, and fixing the hallucinated order numbers. I "
        "scored them on user impact, revenue at risk, engineering cost and time to market. The hallucinated order "
        "numbers caused 40% of escalations and were a two-week fix, so they went first even though sales wanted "
        "multilingual for a big deal. Multilingual came next because it unblocked $1M in pipeline, and tone waited "
        "because users rated it good enough already. I told sales the trade-off and the date, and we accepted a "
        "tone that was good enough rather than perfect so we could ship in the quarter."
    ),
    QualityId.SAYING_NO: (
        "Our biggest customer asked us to let the agent auto-approve refunds of any size. I said no, and explained "
        "why in their terms: one wrong large refund would cost more than a year of the time saved, and it would put "
        "their finance controls at risk. I offered an alternative: auto-approve under $100, which covered 80% of "
        "their volume, with larger ones queued for one-click approval. I put the decision and the reasons in "
        "writing, with the data we'd need to revisit it, and they accepted because they still got most of the value. "
        "Saying no kept the roadmap on the reliability work that all customers needed."
    ),
    QualityId.PRODUCT_ALTITUDE: (
        "My job there was to decide what problem the agent pipeline should solve and why it mattered: analysts were "
        "spending two days a week compiling competitor reports that executives skimmed. I defined the outcome, a "
        "weekly brief the execs actually read, and the success measure, time saved and how often the brief changed a "
        "decision. I left how to chain the agents and which model to use to the engineers, and stayed on whether the "
        "output answered the executives' questions. When the team wanted to tune retrieval for weeks, I asked what "
        "user outcome that moved and we shipped the good-enough version first."
    ),
}

_WEAK: dict[QualityId, str] = {
    QualityId.CALIBRATED_SKEPTICISM: (
        "The model handles it. It's accurate, so we trust the model and ship it to everyone."
    ),
    QualityId.PROBABILISTIC_THINKING: (
        "The spec would say the summary must always be correct and include every action item. If it ever gets one "
        "wrong, that's a bug, and we'd file a ticket for engineering to fix it so it doesn't happen again."
    ),
    QualityId.LIMITATION_COMMUNICATION: (
        "I'd tell them it works great and never makes mistakes, so there is nothing to worry about and they can "
        "rely on it completely."
    ),
    QualityId.PROMPTING_AS_THINKING: (
        "Prompting is an engineering detail. I'd hand the requirements to the team and they'd write whatever "
        "prompt they need to make the feature work."
    ),
    QualityId.TECHNICAL_CURIOSITY: (
        "I don't really need to know how it works inside. The AI is a black box, so if it's wrong I'd just tell "
        "engineering the AI is broken and ask them to fix it."
    ),
    QualityId.USER_EMPATHY: (
        "We have a powerful new model, so I'd look for places in the product to add it. Users will love it because "
        "AI is what everyone wants right now."
    ),
    QualityId.STAKEHOLDER_COMMUNICATION: (
        "I'd walk the CFO through the transformer architecture, the embedding dimensions, the retrieval top-k and "
        "the F1 scores on each class, so they understand exactly how the system works."
    ),
    QualityId.PRIORITIZATION: (
        "Everything on the list is important, so we'd do all of it this quarter. The team would just work harder, "
        "and we wouldn't ship until every feature is perfect."
    ),
    QualityId.SAYING_NO: (
        "When the customer asked, I said yes, because the customer is always right. We added it to the roadmap "
        "right away and moved the other work back."
    ),
    QualityId.PRODUCT_ALTITUDE: (
        "I spent most of the project tuning the chunk size and rewriting the retry logic in the agent framework "
        "myself, because the engineers were slow, and I reviewed every line of their code."
    ),
}

_BUZZWORDS = (
    "eval set, threshold, human in the loop, feedback loop, guardrails, sampling, citations, precision, recall, "
    "confidence interval, distribution, stakeholders, recommendation, risk, pilot, rollout, success metrics, user "
    "research, decompose, requirements, context window, retrieval, prioritize, trade-offs, say no, outcome, why."
)


def strong_answer(quality: QualityId) -> str:
    """A clearly strong (level 3-4) answer for the quality."""
    return _STRONG[quality]


def weak_answer(quality: QualityId) -> str:
    """A clearly weak (level 1-2) answer for the quality."""
    return _WEAK[quality]


def stuffed_answer(quality: QualityId) -> str:
    """A weak answer stuffed with rubric keywords and no substance."""
    return f"{_WEAK[quality]} Key points: {_BUZZWORDS} Also {_BUZZWORDS}"
