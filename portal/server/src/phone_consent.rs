//! The virtual phone's consent screen for data requests (profile, e-ME form filling, anonymous form
//! filling): the form the relying party names (name, number, description as it sent them, which is
//! in the user's language when the RP follows the protocol), every requested field with the persona's
//! own value, and a tick box per field. Mandatory fields (see `mock_iamsmart::consent`) are ticked and
//! cannot be unticked; optional e-ME fields start ticked and may be unticked. The ticked set travels
//! through the PIN step as form fields and is approved with `approve_ticket_with_fields`.
//!
//! Values are personal data (synthetic, but shaped like the real thing): they are shown to the person
//! holding the phone and never logged.

use maud::{Markup, html};
use mock_iamsmart::{Call, Lang, Outcome, RequestedField, TicketDetails, TicketKind, TicketStatus};
use serde_json::Value;

use crate::tenant::{LoginPages, PageFailure, unexpected_outcome};

/// The form field that carries each ticked wire name (repeated).
pub const FIELD_PARAM: &str = "field";
/// The form field that marks an approval as a field-by-field consent.
pub const CONSENT_PARAM: &str = "consent";

/// Whether a ticket of this kind asks for personal data, so the phone shows the consent screen.
pub fn is_data_request(kind: TicketKind) -> bool {
    matches!(
        kind,
        TicketKind::Profile | TicketKind::FormFilling | TicketKind::AnonymousFormFilling
    )
}

/// The ticket's form and fields with `persona_id`'s values.
pub async fn details(
    pages: &LoginPages,
    client_id: &str,
    ticket_id: &str,
    persona_id: &str,
) -> Result<TicketDetails, PageFailure> {
    let call = Call::TicketDetails {
        ticket_id: ticket_id.to_owned(),
        persona_id: Some(persona_id.to_owned()),
    };
    match pages.call(client_id, call).await? {
        Outcome::TicketDetails(details) => Ok(details),
        _ => Err(unexpected_outcome()),
    }
}

/// The fields ticked in a submitted consent (`consent=1&field=…&field=…`), or `None` when the form is
/// not a consent (a login's approval). Unknown names are kept: the core refuses them with `D20003`.
pub fn chosen_fields(pairs: &[(String, String)]) -> Option<Vec<String>> {
    if !pairs.iter().any(|(name, _)| name == CONSENT_PARAM) {
        return None;
    }
    let mut fields: Vec<String> = Vec::new();
    for (name, value) in pairs {
        if name == FIELD_PARAM && !value.is_empty() && !fields.contains(value) {
            fields.push(value.clone());
        }
    }
    Some(fields)
}

/// Hidden inputs that carry a consent through the PIN step.
pub fn hidden_consent(fields: Option<&[String]>) -> Markup {
    html! {
        @if let Some(fields) = fields {
            input type="hidden" name=(CONSENT_PARAM) value="1";
            @for field in fields {
                input type="hidden" name=(FIELD_PARAM) value=(field);
            }
        }
    }
}

/// Whether the phone's persona is the one an authenticated request is for. Anonymous requests may be
/// answered by anyone.
pub fn is_for(status: &TicketStatus, persona_id: &str) -> bool {
    status
        .persona_id
        .as_deref()
        .is_none_or(|wanted| wanted == persona_id)
}

/// The consent part of the request screen: the form, the fields with tick boxes, and the button that
/// goes on to the PIN step with the ticked set. `confirm_url` is the ticket's `/confirm` page.
pub fn consent_form(lang: Lang, details: &TicketDetails, confirm_url: &str) -> Markup {
    let words = ConsentWords::of(lang);
    html! {
        @if let Some(form) = &details.form {
            div.consent-form #consent-form-info {
                p.hint { (words.form_title) }
                h3 #form-name { (form.form_name) }
                @if let Some(number) = &form.form_num {
                    p.hint #form-num { (words.form_number) " " (number) }
                }
                @if let Some(description) = &form.form_desc {
                    p #form-desc { (description) }
                }
            }
        }
        form.consent #consent method="get" action=(confirm_url) {
            input type="hidden" name=(CONSENT_PARAM) value="1";
            p { (words.fields_title) }
            ul.consent-fields {
                @for field in &details.fields {
                    (field_row(lang, field))
                }
            }
            p.hint { (words.untick_hint) }
            button.iams-button #approve-request type="submit" { (words.share) }
        }
    }
}

fn field_row(lang: Lang, field: &RequestedField) -> Markup {
    let words = ConsentWords::of(lang);
    let id = format!("consent-{}", field.name);
    let shown = field
        .value
        .as_ref()
        .map(|value| display_value(lang, &field.name, value));
    html! {
        li.consent-field data-field=(field.name) data-optional=(field.optional) {
            @if field.optional {
                input type="checkbox" id=(id) name=(FIELD_PARAM) value=(field.name) checked;
            } @else {
                // A disabled box is not submitted, so the mandatory field travels as a hidden input.
                input type="hidden" name=(FIELD_PARAM) value=(field.name);
                input type="checkbox" id=(id) checked disabled;
            }
            label for=(id) {
                strong { (field_label(words, &field.name)) }
                @if !field.optional {
                    span.hint { " · " (words.mandatory) }
                }
                br;
                @match shown {
                    Some(shown) => span.field-value { (shown) },
                    None => span.hint.field-missing { (words.not_available) },
                }
            }
        }
    }
}

/// What the phone says once a data request is answered.
pub fn approved_message(lang: Lang, status: &TicketStatus) -> String {
    let words = ConsentWords::of(lang);
    format!("{} {}", words.shared_with, status.service_name)
}

/// A human reading of a §3.1 value: coded values in the user's language with the identity generator's
/// own labels (so the phone and the persona catalogue agree), the rest as a person writes it.
fn display_value(lang: Lang, name: &str, value: &Value) -> String {
    use mock_iamsmart::identity::{
        EducationLevel, Gender, MaritalStatus, NameVerification, Prefix,
    };
    fn label<T: serde::de::DeserializeOwned>(
        value: &Value,
        label: impl Fn(T) -> &'static str,
    ) -> Option<String> {
        serde_json::from_value::<T>(value.clone())
            .ok()
            .map(|code| label(code).to_owned())
    }
    let coded = match name {
        "gender" => label(value, |code: Gender| code.label(lang)),
        "prefix" => label(value, |code: Prefix| code.label(lang)),
        "maritalStatus" => label(value, |code: MaritalStatus| code.label(lang)),
        "educationLevel" => label(value, |code: EducationLevel| code.label(lang)),
        "chNameVerified" => label(value, |code: NameVerification| code.label(lang)),
        _ => None,
    };
    match (coded, name) {
        (Some(coded), _) => coded,
        (None, "addressDocFile") => format!(
            "{} · {}",
            ConsentWords::of(lang).e_bill,
            mock_iamsmart::identity::plain_text::plain_text(name, value)
        ),
        (None, _) => mock_iamsmart::identity::plain_text::plain_text(name, value),
    }
}

/// The field's name as the user reads it.
fn field_label(words: &ConsentWords, name: &str) -> String {
    words
        .field_labels
        .iter()
        .find(|(wire, _)| *wire == name)
        .map_or_else(|| name.to_owned(), |(_, label)| (*label).to_owned())
}

/// The consent screen's words in one language.
pub struct ConsentWords {
    form_title: &'static str,
    form_number: &'static str,
    fields_title: &'static str,
    untick_hint: &'static str,
    share: &'static str,
    mandatory: &'static str,
    not_available: &'static str,
    shared_with: &'static str,
    pub other_user: &'static str,
    e_bill: &'static str,
    field_labels: [(&'static str, &'static str); 17],
}

impl ConsentWords {
    pub fn of(lang: Lang) -> &'static ConsentWords {
        match lang {
            Lang::EnUs => &EN,
            Lang::ZhHk => &ZH_HK,
            Lang::ZhCn => &ZH_CN,
        }
    }
}

static EN: ConsentWords = ConsentWords {
    form_title: "Form to fill in",
    form_number: "Form number",
    fields_title: "It asks for these details from your iAM Smart account:",
    untick_hint: "Untick an optional item to leave it out. Mandatory items are shared with the request or not at all.",
    share: "Share the ticked details",
    mandatory: "mandatory",
    not_available: "Not in your account: it will be left out",
    shared_with: "Shared. Your details have been sent to",
    other_user: "This request is for another iAM Smart user. Switch to the persona that logged in to the online service.",
    e_bill: "Address proof e-bill (PDF)",
    field_labels: [
        ("idNo", "HKID number"),
        ("enName", "English name"),
        ("chName", "Chinese name"),
        ("chNameVerified", "Chinese name verified"),
        ("birthDate", "Date of birth"),
        ("gender", "Gender"),
        ("prefix", "Title"),
        ("maritalStatus", "Marital status"),
        ("homeTelNumber", "Home telephone"),
        ("officeTelNumber", "Office telephone"),
        ("mobileNumber", "Mobile number"),
        ("emailAddress", "E-mail address"),
        ("residentialAddress", "Residential address"),
        ("postalAddress", "Postal address"),
        ("educationLevel", "Education level"),
        ("addressDocInfo", "Address proof (e-bill details)"),
        ("addressDocFile", "Address proof (e-bill file)"),
    ],
};

static ZH_HK: ConsentWords = ConsentWords {
    form_title: "要填寫的表格",
    form_number: "表格編號",
    fields_title: "它要求取得你「智方便」帳戶中的以下資料：",
    untick_hint: "取消勾選可選項目即不會提供。必須項目只能隨申請一併提供或全部不提供。",
    share: "提供已勾選的資料",
    mandatory: "必須",
    not_available: "你的帳戶沒有此資料，將不會提供",
    shared_with: "已提供。你的資料已傳送至",
    other_user: "此要求屬於另一位「智方便」用戶。請切換至登入該網上服務的角色。",
    e_bill: "地址證明電子賬單（PDF）",
    field_labels: [
        ("idNo", "香港身份證號碼"),
        ("enName", "英文姓名"),
        ("chName", "中文姓名"),
        ("chNameVerified", "中文姓名已核實"),
        ("birthDate", "出生日期"),
        ("gender", "性別"),
        ("prefix", "稱謂"),
        ("maritalStatus", "婚姻狀況"),
        ("homeTelNumber", "住宅電話"),
        ("officeTelNumber", "辦公室電話"),
        ("mobileNumber", "手提電話號碼"),
        ("emailAddress", "電郵地址"),
        ("residentialAddress", "住宅地址"),
        ("postalAddress", "通訊地址"),
        ("educationLevel", "教育程度"),
        ("addressDocInfo", "地址證明（電子賬單資料）"),
        ("addressDocFile", "地址證明（電子賬單檔案）"),
    ],
};

static ZH_CN: ConsentWords = ConsentWords {
    form_title: "要填写的表格",
    form_number: "表格编号",
    fields_title: "它要求取得你「智方便」账户中的以下资料：",
    untick_hint: "取消勾选可选项目即不会提供。必须项目只能随申请一并提供或全部不提供。",
    share: "提供已勾选的资料",
    mandatory: "必须",
    not_available: "你的账户没有此资料，将不会提供",
    shared_with: "已提供。你的资料已发送至",
    other_user: "此请求属于另一位「智方便」用户。请切换至登录该网上服务的角色。",
    e_bill: "地址证明电子账单（PDF）",
    field_labels: [
        ("idNo", "香港身份证号码"),
        ("enName", "英文姓名"),
        ("chName", "中文姓名"),
        ("chNameVerified", "中文姓名已核实"),
        ("birthDate", "出生日期"),
        ("gender", "性别"),
        ("prefix", "称谓"),
        ("maritalStatus", "婚姻状况"),
        ("homeTelNumber", "住宅电话"),
        ("officeTelNumber", "办公室电话"),
        ("mobileNumber", "手机号码"),
        ("emailAddress", "电邮地址"),
        ("residentialAddress", "住宅地址"),
        ("postalAddress", "通讯地址"),
        ("educationLevel", "教育程度"),
        ("addressDocInfo", "地址证明（电子账单资料）"),
        ("addressDocFile", "地址证明（电子账单文件）"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use mock_iamsmart::FieldGroup;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_consent_carries_its_ticked_fields_once_each() {
        let form = pairs(&[
            ("consent", "1"),
            ("field", "emailAddress"),
            ("field", "prefix"),
            ("field", "emailAddress"),
            ("pin", "123456"),
        ]);
        assert_eq!(
            chosen_fields(&form),
            Some(vec!["emailAddress".to_owned(), "prefix".to_owned()])
        );
        assert_eq!(chosen_fields(&pairs(&[("pin", "123456")])), None);
        assert_eq!(chosen_fields(&pairs(&[("consent", "1")])), Some(vec![]));
    }

    #[test]
    fn values_read_as_a_person_would_write_them() {
        let en = Lang::EnUs;
        let id = json!({"Identification": "A123456", "CheckDigit": "3"});
        assert_eq!(display_value(en, "idNo", &id), "A123456(3)");
        assert_eq!(
            display_value(en, "birthDate", &json!("19900102")),
            "1990-01-02"
        );
        let mobile = json!({"CountryCode": "852", "SubscriberNumber": "91234567"});
        assert_eq!(display_value(en, "mobileNumber", &mobile), "+852 91234567");
        assert_eq!(display_value(en, "maritalStatus", &json!("M")), "Married");
        assert_eq!(display_value(Lang::ZhHk, "gender", &json!("F")), "女");
    }

    #[test]
    fn every_field_of_the_catalogue_has_a_label_in_every_language() {
        let names = mock_iamsmart::identity::profile::ProfileField::ALL
            .iter()
            .map(|field| field.as_str())
            .chain(
                mock_iamsmart::identity::profile::EmeField::ALL
                    .iter()
                    .map(|field| field.as_str()),
            );
        for name in names {
            for lang in [Lang::EnUs, Lang::ZhHk, Lang::ZhCn] {
                assert_ne!(
                    field_label(ConsentWords::of(lang), name),
                    name,
                    "{name} has no label in {lang:?}"
                );
            }
        }
    }

    #[test]
    fn mandatory_fields_cannot_be_unticked_but_still_travel() {
        let field = RequestedField {
            name: "emailAddress".into(),
            group: FieldGroup::Eme,
            optional: false,
            value: Some(json!("chan.tai.man@example.com")),
        };
        let row = field_row(Lang::EnUs, &field).into_string();
        assert!(row.contains(r#"type="hidden" name="field" value="emailAddress""#));
        assert!(row.contains("disabled"));
        assert!(row.contains("chan.tai.man@example.com"));
        let optional = RequestedField {
            name: "prefix".into(),
            optional: true,
            value: None,
            ..field
        };
        let row = field_row(Lang::EnUs, &optional).into_string();
        assert!(row.contains(
            r#"type="checkbox" id="consent-prefix" name="field" value="prefix" checked"#
        ));
        assert!(row.contains("field-missing"));
    }
}
