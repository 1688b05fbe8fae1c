"""Answers written for the tests to six bank questions: strong, medium, hype and weak, in a candidate's words.

Written from the rubric's levels for each question's main quality, not from the heuristic's patterns:
strong reaches level 3-4, medium level 2 (the idea without the specifics), hype is confident talk with
no substance, weak is the wholesale answer the rubric's level 1 describes.
"""

from __future__ import annotations

QUESTIONS = [
    "int-clinical-wrong-medication",
    "int-head-of-support-distrust",
    "int-clinical-where-to-help",
    "bld-prompt-before-finetune",
    "int-crm-three-ai-bets",
    "int-customer-autosend",
]

STRONG = {
    "int-clinical-wrong-medication": (
        "First the patient: I'd get that discharge note corrected today and tell the clinical safety team, "
        "because a wrong medication on a discharge note can reach a pharmacy. Then I'd size it. We'd pull 300 "
        "recent discharge notes and check every medication line against the prescribing record, to see whether "
        "this is one bad draft or a pattern, and whether the drug came from another patient's note or was made "
        "up. While we look, medication lists come only from the structured medication record, and any line the "
        "model adds needs the nurse to confirm it; the rest of the note keeps drafting, because pulling the "
        "whole co-pilot would put two hours of charting back on every shift. We switch free-text medications "
        "back on only at zero unsupported medications on that 300-note set, and after that we audit 5% of "
        "medication sections every week; one miss puts medications back under full confirmation. I'd tell the "
        "nurses tomorrow morning exactly what happened and what to check."
    ),
    "int-head-of-support-distrust": (
        "You're right to push on this, so here's what I'd tell your team in plain terms. On 2,000 of your real "
        "tickets the suggested replies were usable as written about 70% of the time, and that's where your "
        "agents would save time on the simple password and billing questions. Where it goes wrong is refunds "
        "and policy exceptions: about 1 in 20 of those drafts states a policy we don't have, and a customer "
        "who's promised a refund we can't give is an escalation for your leads. So my recommendation: suggested "
        "replies only, never sent without an agent, and refund and exception tickets get no suggestion at all "
        "for now. We pilot with one team for four weeks and track handle time and how often agents rewrite the "
        "draft; if handle time doesn't drop by a fifth, we stop. And when a bad suggestion does get through, "
        "we'll look at that kind of ticket and fix it rather than pull it from everyone."
    ),
    "int-clinical-where-to-help": (
        "I'd start with the clinicians, not the model. I'd shadow eight nurses and four doctors across day and "
        "night shifts and time every documentation task, then pull the EHR audit logs to see where the minutes "
        "really go. My guess is the discharge summary and the handover note, done at the end of a shift from "
        "memory, but the shadowing decides it. Then I'd interview them about what they fear getting wrong, "
        "because nurses and doctors trust the tool differently: nurses worried about missing a medication "
        "change, doctors about the note sounding wrong. If the finding is that most of the pain is re-entering "
        "the same vitals, that needs a form fix, not AI. We'd measure success as minutes of charting after the "
        "shift ends and how often clinicians edit the drafts, not a satisfaction survey."
    ),
    "bld-prompt-before-finetune": (
        "Before fine-tuning I'd find out whether the prompt ever stated the requirement. I'd sit with the "
        "lawyers and write the task down as a prompt myself: which clauses count as termination, what to do "
        "when a contract has two renewal dates, and ask for the exact source span for every field. Writing that "
        "out usually shows the ambiguity: when two lawyers disagree on what counts as an auto-renewal clause, no "
        "model can get it right. I'd break it into steps, find the clause, then extract, then check the "
        "extraction against the span, and run each version on 200 labelled contracts. We'd only go to "
        "fine-tuning if the best prompt still misses our bar of 95% recall on termination clauses, because a "
        "fine-tune costs weeks and hides the requirement inside weights."
    ),
    "int-crm-three-ai-bets": (
        "I'd build meeting summaries first. Reps spend about forty minutes a day writing call notes, and our "
        "support tickets show missing notes is the top complaint from their managers, so the user pain is "
        "frequent and real. It's also the most forgiving to get wrong, because the rep reads and edits the "
        "summary before saving it, and we already have the call transcripts. Deal-risk scoring is the most "
        "valuable on paper, but it needs two years of clean win-loss history we don't have and it's hard to "
        "validate, so it waits. Email drafting demos well, but every competitor ships it and it wouldn't move "
        "retention. Success is notes completed per call going from half to most, and if pilot reps don't save at "
        "least fifteen minutes a day, I'd switch to drafting next quarter."
    ),
    "int-customer-autosend": (
        "I'd say no to auto-sending everything, and explain it in their terms: one wrong promise about a refund "
        "sent in their name costs them more than the agent time they'd save, and their own compliance team "
        "signs off every outbound policy statement today. What they really want is faster replies, so I'd offer "
        "an alternative: auto-send for the order-status and delivery questions, which are about 60% of their "
        "volume and where drafts were right 99% of the time in our tests, with agents still approving anything "
        "about refunds or account changes. I'd put the decision and the numbers in writing, and say what would "
        "change it: three clean months on the auto-sent categories and we'd look at adding returns. That keeps "
        "the relationship and keeps our roadmap on what all customers need."
    ),
}

MEDIUM = {
    "int-clinical-wrong-medication": (
        "I'd take it seriously. We'd look into what happened with that note and fix the bug. I'd make sure "
        "every note drafted by the co-pilot is reviewed by a nurse before it's signed, and we'd test the model "
        "more thoroughly before the next release."
    ),
    "int-head-of-support-distrust": (
        "I'd be honest with you: the model can get things wrong, and it sometimes makes up policies. It isn't "
        "perfect and we can't guarantee every reply. Those are the limitations your team should know about."
    ),
    "int-clinical-where-to-help": (
        "I'd talk to users first. We'd run some user interviews and build personas for the clinicians, map "
        "their journey, and look for pain points where AI could help them with documentation."
    ),
    "bld-prompt-before-finetune": (
        "I'd try improving the prompt first. Give the model a clear role, add a few-shot examples and tell it "
        "to be concise and accurate. Usually a better prompt gets better output before you need to fine-tune."
    ),
    "int-crm-three-ai-bets": (
        "I'd use a framework like RICE to score the three options on reach, impact, confidence and effort, "
        "and pick the one with the best score. Then I'd talk to the team about which one feels most strategic."
    ),
    "int-customer-autosend": (
        "I'd tell them it isn't on our roadmap right now and doesn't align with our strategy. We can revisit "
        "it next year once the model is more mature."
    ),
}

HYPE = {
    "int-clinical-wrong-medication": (
        "Honestly, one bad note out of thousands is noise. The model is state of the art and far more accurate "
        "than tired nurses at the end of a shift, so I'd reassure them the system handles it and keep going. "
        "AI in healthcare is the future, and everyone is moving this way."
    ),
    "int-head-of-support-distrust": (
        "I'd tell her not to worry: the replies are amazing and it never makes mistakes on simple tickets. Her "
        "agents can trust it completely and send the drafts as they are. AI is transforming support, and the "
        "teams that embrace it win."
    ),
    "int-clinical-where-to-help": (
        "We have a powerful new model, so I'd put it everywhere in the product: notes, orders, scheduling, "
        "everything. Clinicians will love it, because AI is what everyone wants right now."
    ),
    "bld-prompt-before-finetune": (
        "Prompting is a bit of a dark art, so I'd just try some magic phrases like 'you are a world-class "
        "lawyer, take a deep breath' and keep regenerating until it works. Fine-tuning is the real solution "
        "anyway."
    ),
    "int-crm-three-ai-bets": (
        "Everyone is doing AI email right now, so I'd build the email drafting first. It's the hottest thing in "
        "the market, customers will love it, and we can ship it fast and figure out the rest later."
    ),
    "int-customer-autosend": (
        "They're our biggest customer, and the customer is always right, so I'd say yes and turn it on for them "
        "next week. Saying no to them is not an option."
    ),
}

WEAK = {
    "int-clinical-wrong-medication": (
        "I'd switch the co-pilot off today. If it can invent a medication it can invent anything, so from now "
        "on the nurses rewrite every note from scratch, and we can't trust these systems in a hospital."
    ),
    "int-head-of-support-distrust": (
        "Honestly, she's right to be scared: these systems make things up and nobody can predict when. I'd tell "
        "her it may contain serious errors and her team shouldn't rely on it for anything, so we should go back "
        "to humans writing every reply."
    ),
    "int-clinical-where-to-help": (
        "I'd look at what the model is best at, which is writing text, and then find places in the product to "
        "add it. Once it's built the clinicians will adapt to it."
    ),
    "bld-prompt-before-finetune": (
        "Prompting is an engineering detail. I'd hand the requirements to the team and they'd write whatever "
        "prompt they need; if it doesn't work, we fine-tune."
    ),
    "int-crm-three-ai-bets": (
        "All three are important, so I'd split the team three ways and do all of them this quarter. We'd just "
        "have to work harder."
    ),
    "int-customer-autosend": (
        "I'd say yes, because they're the biggest customer and they pay the bills. We'd add it to the roadmap "
        "right away and move the other work back."
    ),
}
