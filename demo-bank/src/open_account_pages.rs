//! The "open an account" pages and their words in English, 繁體中文 and 简体中文: the application form
//! (empty, or filled in from iAM Smart and still editable), the wait for the phone's answer, and the
//! confirmation. Element ids are the end-to-end tests' contract: `#fill-with-iamsmart`,
//! `#onboard-with-iamsmart`, `#application-form`, `input[name=…]` (see `open_account::INPUTS`),
//! `#eme-outcome` (with `data-outcome` and `data-error-code`), `#waiting-for-phone`,
//! `#open-virtual-phone`, `#application-received` and `#application-reference`.

use axum::response::Html;
use iamsmart_client::Lang;
use maud::{Markup, html};

use crate::open_account::{Draft, INPUTS, REQUIRED};
use crate::pages::{layout, layout_refreshing};

/// Demo Bank's form number, sent as `formNum`.
pub(crate) const FORM_NUMBER: &str = "DB-AO-01";
/// Seconds between reloads of the waiting page (a `<meta http-equiv="refresh">`, so no script is
/// needed).
const WAIT_REFRESH_SECONDS: u32 = 2;

/// How the e-ME request ended, for the notice above the form.
pub(crate) enum Outcome {
    Filled,
    /// The D-code of a request that did not complete (`D60000` cancelled, `D60001` rejected, …).
    NotFilled(String),
}

/// The form's name, sent as `formName` in the customer's language.
pub(crate) fn form_name(lang: Lang) -> &'static str {
    words(lang).form_name
}

/// The form's description, sent as `formDesc`.
pub(crate) fn form_description(lang: Lang) -> &'static str {
    words(lang).form_description
}

/// The application form.
pub(crate) fn application(
    lang: Lang,
    mount_path: &str,
    signed_in: bool,
    draft: &Draft,
    outcome: Option<&Outcome>,
    problems: &[&str],
) -> Html<String> {
    let words = words(lang);
    let main = html! {
        section.open-account {
            h1 { (words.heading) }
            p { (words.intro) }
            @match outcome {
                Some(Outcome::Filled) => {
                    p.notice #eme-outcome data-outcome="filled" { (words.filled) }
                }
                Some(Outcome::NotFilled(code)) => {
                    p.notice.warning #eme-outcome data-outcome="not-filled"
                        data-error-code=(code) { (not_filled(words, code)) " (" (code) ")" }
                }
                None => {}
            }
            @if !draft.from_iamsmart {
                div.iamsmart-login {
                    @if signed_in {
                        form method="post" action={ (mount_path) "/open-account/eme" } {
                            button.iamsmart-button type="submit" id="fill-with-iamsmart" {
                                (words.fill_button)
                            }
                        }
                    } @else {
                        form method="post" action={ (mount_path) "/open-account/anonymous" } {
                            button.iamsmart-button type="submit" id="onboard-with-iamsmart" {
                                (words.fill_button)
                            }
                        }
                        p.hint { (words.anonymous_hint) }
                    }
                }
            }
            @if !problems.is_empty() {
                p.notice.warning #application-problems role="alert" { (words.problems) }
            }
            form.application #application-form method="post" action={ (mount_path) "/open-account" } {
                @for (input, _) in INPUTS {
                    (input_row(words, input, draft.value(input), problems.contains(&input)))
                }
                button.iamsmart-button type="submit" id="submit-application" { (words.submit) }
            }
        }
    };
    layout(lang, mount_path, words.heading, main)
}

fn input_row(words: &Words, input: &str, value: &str, problem: bool) -> Markup {
    let id = format!("application-{input}");
    let required = REQUIRED.contains(&input);
    let multiline = input.ends_with("_address");
    html! {
        div.field-row data-problem=(problem) {
            label for=(id) {
                (label(words, input))
                @if required { " *" }
            }
            @if multiline {
                textarea id=(id) name=(input) rows="2" maxlength="300" required[required] { (value) }
            } @else {
                input id=(id) name=(input) type="text" value=(value) maxlength="300" required[required];
            }
        }
    }
}

/// The wait for the customer's answer on the phone; reloads itself until the callback is in.
pub(crate) fn waiting(
    lang: Lang,
    mount_path: &str,
    app_link: Option<&str>,
    phone_link: &str,
) -> Html<String> {
    let words = words(lang);
    let main = html! {
        section.open-account #waiting-for-phone {
            h1 { (words.heading) }
            p { (words.waiting) }
            @if let Some(app_link) = app_link {
                p { a.button-link #open-iamsmart-app href=(app_link) { (words.open_app) } }
            }
            p {
                a.button-link #open-virtual-phone href=(phone_link) target="_blank"
                    rel="noopener" { (words.open_virtual_phone) }
            }
            p.hint { (words.waiting_hint) }
        }
    };
    layout_refreshing(lang, mount_path, words.heading, WAIT_REFRESH_SECONDS, main)
}

/// The confirmation of a submitted application.
pub(crate) fn received(
    lang: Lang,
    mount_path: &str,
    reference: &str,
    draft: &Draft,
) -> Html<String> {
    let words = words(lang);
    let main = html! {
        section.open-account #application-received {
            h1 { (words.received_heading) }
            p { (words.received_body) " " strong #application-reference { (reference) } }
            dl.account-details {
                @for (input, _) in INPUTS {
                    @let value = draft.value(input);
                    @if !value.is_empty() {
                        dt { (label(words, input)) }
                        dd data-input=(input) { (value) }
                    }
                }
            }
            a.button-link href=(crate::pages::home_link(mount_path, lang)) { (words.back) }
        }
    };
    layout(lang, mount_path, words.received_heading, main)
}

fn not_filled(words: &Words, code: &str) -> &'static str {
    match code {
        "D60000" => words.cancelled,
        "D60001" => words.rejected,
        "D60003" => words.timed_out,
        _ => words.failed,
    }
}

fn label(words: &Words, input: &str) -> &'static str {
    words
        .labels
        .iter()
        .find(|(name, _)| *name == input)
        .map_or("", |(_, label)| label)
}

/// The words of one language.
pub(crate) struct Words {
    form_name: &'static str,
    form_description: &'static str,
    heading: &'static str,
    intro: &'static str,
    fill_button: &'static str,
    anonymous_hint: &'static str,
    filled: &'static str,
    cancelled: &'static str,
    rejected: &'static str,
    timed_out: &'static str,
    failed: &'static str,
    problems: &'static str,
    submit: &'static str,
    waiting: &'static str,
    waiting_hint: &'static str,
    open_app: &'static str,
    open_virtual_phone: &'static str,
    received_heading: &'static str,
    received_body: &'static str,
    back: &'static str,
    labels: [(&'static str, &'static str); 12],
}

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::EnUs => &ENGLISH,
        Lang::ZhHk => &TRADITIONAL,
        Lang::ZhCn => &SIMPLIFIED,
    }
}

static ENGLISH: Words = Words {
    form_name: "Demo Bank account application",
    form_description: "Open a Demo Bank savings account. Your details pre-fill the application; \
                       you can check and correct them before you submit.",
    heading: "Open an account",
    intro: "Fill in the application yourself, or let iAM Smart fill it in from your e-ME profile.",
    fill_button: "Fill in with iAM Smart",
    anonymous_hint: "No Demo Bank login needed: you approve on your iAM Smart app.",
    filled: "Filled in from iAM Smart. Please check the details before you submit.",
    cancelled: "You cancelled the request in the iAM Smart app.",
    rejected: "The request was declined in the iAM Smart app.",
    timed_out: "The request timed out before it was answered.",
    failed: "iAM Smart could not fill in the form",
    problems: "Please complete the marked items.",
    submit: "Submit application",
    waiting: "Approve the request in your iAM Smart app. This page updates by itself.",
    waiting_hint: "In the sandbox, the virtual iAM Smart phone stands in for the app.",
    open_app: "Open the iAM Smart app",
    open_virtual_phone: "Open the virtual iAM Smart phone",
    received_heading: "Application received",
    received_body: "Thank you. Your application reference is",
    back: "Back to Demo Bank",
    labels: [
        ("prefix", "Title"),
        ("en_name", "Name in English"),
        ("ch_name", "Name in Chinese"),
        ("id_no", "HKID number"),
        ("birth_date", "Date of birth"),
        ("gender", "Gender (M/F)"),
        ("email", "E-mail address"),
        ("mobile", "Mobile number"),
        ("residential_address", "Residential address"),
        ("postal_address", "Correspondence address"),
        ("marital_status", "Marital status"),
        ("education_level", "Education level"),
    ],
};

static TRADITIONAL: Words = Words {
    form_name: "示範銀行開戶申請",
    form_description: "開立示範銀行儲蓄戶口。你的資料會預先填入申請表，你可在提交前核對及修改。",
    heading: "開立戶口",
    intro: "你可自行填寫申請表，或讓「智方便」以你的「e-ME」資料代為填寫。",
    fill_button: "以「智方便」填寫",
    anonymous_hint: "毋須登入示範銀行：在你的「智方便」應用程式批准即可。",
    filled: "已由「智方便」填寫。請在提交前核對資料。",
    cancelled: "你已在「智方便」應用程式取消要求。",
    rejected: "要求已在「智方便」應用程式被拒絕。",
    timed_out: "要求在回覆前已逾時。",
    failed: "「智方便」未能填寫表格",
    problems: "請填妥標示的項目。",
    submit: "提交申請",
    waiting: "請在你的「智方便」應用程式批准要求。此頁會自動更新。",
    waiting_hint: "在沙盒中，虛擬「智方便」手機代替應用程式。",
    open_app: "開啟「智方便」應用程式",
    open_virtual_phone: "開啟虛擬「智方便」手機",
    received_heading: "已收到申請",
    received_body: "謝謝。你的申請編號是",
    back: "返回示範銀行",
    labels: [
        ("prefix", "稱謂"),
        ("en_name", "英文姓名"),
        ("ch_name", "中文姓名"),
        ("id_no", "香港身份證號碼"),
        ("birth_date", "出生日期"),
        ("gender", "性別（M/F）"),
        ("email", "電郵地址"),
        ("mobile", "手提電話號碼"),
        ("residential_address", "住宅地址"),
        ("postal_address", "通訊地址"),
        ("marital_status", "婚姻狀況"),
        ("education_level", "教育程度"),
    ],
};

static SIMPLIFIED: Words = Words {
    form_name: "示范银行开户申请",
    form_description: "开立示范银行储蓄账户。你的资料会预先填入申请表，你可在提交前核对及修改。",
    heading: "开立账户",
    intro: "你可自行填写申请表，或让「智方便」以你的「e-ME」资料代为填写。",
    fill_button: "以「智方便」填写",
    anonymous_hint: "无须登录示范银行：在你的「智方便」应用程序批准即可。",
    filled: "已由「智方便」填写。请在提交前核对资料。",
    cancelled: "你已在「智方便」应用程序取消请求。",
    rejected: "请求已在「智方便」应用程序被拒绝。",
    timed_out: "请求在回复前已超时。",
    failed: "「智方便」未能填写表格",
    problems: "请填妥标示的项目。",
    submit: "提交申请",
    waiting: "请在你的「智方便」应用程序批准请求。此页会自动更新。",
    waiting_hint: "在沙盒中，虚拟「智方便」手机代替应用程序。",
    open_app: "打开「智方便」应用程序",
    open_virtual_phone: "打开虚拟「智方便」手机",
    received_heading: "已收到申请",
    received_body: "谢谢。你的申请编号是",
    back: "返回示范银行",
    labels: [
        ("prefix", "称谓"),
        ("en_name", "英文姓名"),
        ("ch_name", "中文姓名"),
        ("id_no", "香港身份证号码"),
        ("birth_date", "出生日期"),
        ("gender", "性别（M/F）"),
        ("email", "电邮地址"),
        ("mobile", "手机号码"),
        ("residential_address", "住宅地址"),
        ("postal_address", "通讯地址"),
        ("marital_status", "婚姻状况"),
        ("education_level", "教育程度"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_has_a_label_in_every_language() {
        for lang in Lang::ALL {
            for (input, _) in INPUTS {
                assert!(!label(words(lang), input).is_empty(), "{input} in {lang:?}");
            }
        }
    }

    #[test]
    fn the_pages_escape_values_and_carry_no_inline_script() {
        let mut draft = Draft::default();
        draft.values.insert("en_name".into(), "<b>CHAN</b>".into());
        draft.from_iamsmart = true;
        let Html(form) = application(
            Lang::EnUs,
            "/demo-bank",
            true,
            &draft,
            Some(&Outcome::Filled),
            &["email"],
        );
        assert!(form.contains("&lt;b&gt;CHAN"));
        assert!(form.contains(r#"data-outcome="filled""#));
        assert!(form.contains("application-problems"));
        assert!(
            !form.contains("fill-with-iamsmart"),
            "a filled form offers no second request"
        );
        let Html(waiting) = waiting(Lang::ZhHk, "/demo-bank", None, "/phone/c/tickets/t");
        assert!(waiting.contains(r#"http-equiv="refresh""#));
        for page in [form, waiting] {
            assert!(!page.contains("<script") && !page.contains("style="));
        }
    }
}
