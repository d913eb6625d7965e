//! The virtual phone's simulated step-up: for a ticket that asks for re-authentication (a signing request
//! with `stepupAuthMethod`, or `account/stepup/initiateRequest`), the factors it needs — face recognition
//! (`FR`) and reading the HKID card's chip (`NFC`), one of them or both — each with a button that performs
//! it, and a tick for those that already count (within `stepupAuthPeriod`, on the sandbox clock). A
//! performed factor is the core's `complete_stepup`; approving before every needed factor counts is the
//! core's `D80002`, so this module only shows and asks.
//!
//! Nothing here logs a ticket ID or persona choice.

use maud::{Markup, html};
use mock_iamsmart::signing::{StepUpCombination, StepUpFactor};
use mock_iamsmart::step_up::StepUpStatus;
use mock_iamsmart::{Call, Lang, Outcome};

use crate::tenant::{LoginPages, PageFailure, unexpected_outcome};

/// The step-up a ticket needs, as the phone's persona stands with it; `None` when it needs none.
pub(crate) async fn status(
    pages: &LoginPages,
    client_id: &str,
    ticket_id: &str,
    persona_id: &str,
) -> Result<Option<StepUpStatus>, PageFailure> {
    let call = Call::TicketDetails {
        ticket_id: ticket_id.to_owned(),
        persona_id: Some(persona_id.to_owned()),
    };
    match pages.call(client_id, call).await? {
        Outcome::TicketDetails(details) => Ok(details.step_up.map(|status| *status)),
        _ => Err(unexpected_outcome()),
    }
}

fn wire_name(factor: StepUpFactor) -> &'static str {
    match factor {
        StepUpFactor::FaceRecognition => "FR",
        StepUpFactor::ChipRead => "NFC",
    }
}

/// The step-up section of a request screen; `ticket_url` is `/phone/{clientID}/tickets/{ticketID}`.
pub(crate) fn markup(lang: Lang, ticket_url: &str, status: &StepUpStatus) -> Markup {
    let text = StepUpText::of(lang);
    let intro = match status.combination {
        StepUpCombination::Unary => text.needs_one,
        StepUpCombination::And => text.needs_all,
    };
    html! {
        section.step-up #step-up data-satisfied=(status.satisfied) {
            h3 { (text.title) }
            p { (intro) }
            @if let Some(seconds) = status.period_seconds.filter(|seconds| *seconds > 0) {
                p.hint { (text.period) " " (seconds) " " (text.seconds) }
            }
            ul.step-up-factors {
                @for factor in &status.methods {
                    @let name = wire_name(*factor);
                    li data-factor=(name) data-done=(status.done.contains(factor)) {
                        @if status.done.contains(factor) {
                            span.step-up-done { "✓ " (text.label(*factor)) " · " (text.done) }
                        } @else {
                            form method="post" action={ (ticket_url) "/step-up" } {
                                input type="hidden" name="method" value=(name);
                                button.secondary-button id={ "step-up-" (name) } type="submit" {
                                    (text.action(*factor))
                                }
                            }
                        }
                    }
                }
            }
            @if status.satisfied {
                p.hint #step-up-satisfied { (text.satisfied) }
            } @else {
                p.hint #step-up-missing { (text.missing) }
            }
        }
    }
}

/// The step-up words in one language.
struct StepUpText {
    title: &'static str,
    needs_one: &'static str,
    needs_all: &'static str,
    period: &'static str,
    seconds: &'static str,
    face: &'static str,
    chip: &'static str,
    do_face: &'static str,
    do_chip: &'static str,
    done: &'static str,
    satisfied: &'static str,
    missing: &'static str,
}

impl StepUpText {
    fn of(lang: Lang) -> &'static StepUpText {
        match lang {
            Lang::EnUs => &EN,
            Lang::ZhHk => &ZH_HK,
            Lang::ZhCn => &ZH_CN,
        }
    }

    fn label(&self, factor: StepUpFactor) -> &'static str {
        match factor {
            StepUpFactor::FaceRecognition => self.face,
            StepUpFactor::ChipRead => self.chip,
        }
    }

    fn action(&self, factor: StepUpFactor) -> &'static str {
        match factor {
            StepUpFactor::FaceRecognition => self.do_face,
            StepUpFactor::ChipRead => self.do_chip,
        }
    }
}

static EN: StepUpText = StepUpText {
    title: "Confirm your identity again",
    needs_one: "The online service asks you to re-authenticate with one of these first:",
    needs_all: "The online service asks you to re-authenticate with each of these first:",
    period: "A check done within the last",
    seconds: "seconds counts.",
    face: "Face recognition",
    chip: "HKID card chip read",
    do_face: "Scan my face (simulated)",
    do_chip: "Read my HKID card chip (simulated)",
    done: "done",
    satisfied: "Re-authenticated. You can approve now.",
    missing: "Approving is refused until this is done.",
};

static ZH_HK: StepUpText = StepUpText {
    title: "再次確認身份",
    needs_one: "網上服務要求你先以下列其中一種方式重新認證：",
    needs_all: "網上服務要求你先以下列每一種方式重新認證：",
    period: "在過去",
    seconds: "秒內完成的認證亦有效。",
    face: "面部識別",
    chip: "讀取香港身份證晶片",
    do_face: "掃描我的面容（模擬）",
    do_chip: "讀取我的身份證晶片（模擬）",
    done: "已完成",
    satisfied: "已重新認證，現在可以批准。",
    missing: "完成前，批准會被拒絕。",
};

static ZH_CN: StepUpText = StepUpText {
    title: "再次确认身份",
    needs_one: "网上服务要求你先以下列其中一种方式重新认证：",
    needs_all: "网上服务要求你先以下列每一种方式重新认证：",
    period: "在过去",
    seconds: "秒内完成的认证亦有效。",
    face: "面部识别",
    chip: "读取香港身份证芯片",
    do_face: "扫描我的面容（模拟）",
    do_chip: "读取我的身份证芯片（模拟）",
    done: "已完成",
    satisfied: "已重新认证，现在可以批准。",
    missing: "完成前，批准会被拒绝。",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn status(done: Vec<StepUpFactor>) -> StepUpStatus {
        let methods = vec![StepUpFactor::FaceRecognition, StepUpFactor::ChipRead];
        let missing = methods
            .iter()
            .copied()
            .filter(|factor| !done.contains(factor))
            .collect::<Vec<_>>();
        StepUpStatus {
            combination: StepUpCombination::And,
            satisfied: missing.is_empty(),
            methods,
            period_seconds: Some(300),
            done,
            missing,
        }
    }

    #[test]
    fn each_missing_factor_gets_a_button_and_done_ones_a_tick() {
        let page = markup(
            Lang::EnUs,
            "/phone/c/tickets/t",
            &status(vec![StepUpFactor::ChipRead]),
        )
        .into_string();
        assert!(page.contains(r#"id="step-up-FR""#), "{page}");
        assert!(!page.contains(r#"id="step-up-NFC""#));
        assert!(page.contains(r#"action="/phone/c/tickets/t/step-up""#));
        assert!(page.contains(r#"data-satisfied="false""#));
        assert!(page.contains("300"));
        let both = markup(
            Lang::ZhHk,
            "/phone/c/tickets/t",
            &status(vec![StepUpFactor::ChipRead, StepUpFactor::FaceRecognition]),
        )
        .into_string();
        assert!(both.contains(r#"id="step-up-satisfied""#));
        assert!(both.contains("面部識別"));
    }
}
