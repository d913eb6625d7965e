//! Every visible string of Demo Bank in English, 繁體中文 and 简体中文, chosen by the same `lang` the
//! bank sends to iAM Smart, so the bank and the broker page speak one language.
//!
//! The button and link texts follow the official branding guideline (PROTOCOL §10); they must not be
//! reworded. Pages never hard-code visible text; it comes from here.

use iamsmart_client::Lang;

/// The strings of one language.
pub(crate) struct Words {
    /// The `lang` attribute of `<html>`.
    pub html_lang: &'static str,
    /// The language's own name, for the switcher.
    pub language_name: &'static str,
    pub bank_name: &'static str,
    pub languages_label: &'static str,
    pub welcome_heading: &'static str,
    pub welcome_body: &'static str,
    pub demo_notice: &'static str,
    /// The official button text.
    pub login_button: &'static str,
    pub more_info: &'static str,
    pub more_info_url: &'static str,
    pub signed_in_heading: &'static str,
    pub signed_in_body: &'static str,
    pub open_id_label: &'static str,
    pub account_type_label: &'static str,
    pub scope_label: &'static str,
    pub token_expiry_label: &'static str,
    pub log_out: &'static str,
    /// The link to the account application.
    pub open_account: &'static str,
    pub iamsmart_name: &'static str,
    pub iamsmart_plus_name: &'static str,
    pub error_heading: &'static str,
    pub cancelled: &'static str,
    pub rejected: &'static str,
    pub timed_out: &'static str,
    /// Followed by the D-code in brackets.
    pub login_failed_with_code: &'static str,
    pub state_mismatch: &'static str,
    pub missing_parameters: &'static str,
    pub code_expired: &'static str,
    pub unreachable: &'static str,
    pub something_went_wrong: &'static str,
    pub try_again: &'static str,
    pub footer: &'static str,
    // Signing the account agreement (`agreement.rs`).
    /// The account page's link to the agreement.
    pub agreement_link: &'static str,
    pub agreement_heading: &'static str,
    pub agreement_intro: &'static str,
    /// The agreement PDF is in English only (its standard PDF font has no Chinese characters).
    pub agreement_document_language: &'static str,
    /// The official button text for signing (PROTOCOL §10).
    pub sign_button: &'static str,
    /// The `documentName` sent to iAM Smart, which the app shows.
    pub agreement_document_name: &'static str,
    /// The `serviceName` sent to iAM Smart.
    pub agreement_service_name: &'static str,
    pub agreement_pending_heading: &'static str,
    pub agreement_pending_body: &'static str,
    pub identification_code_label: &'static str,
    pub agreement_pending_refresh: &'static str,
    pub agreement_check_now: &'static str,
    pub agreement_signed_heading: &'static str,
    pub agreement_signed_body: &'static str,
    pub agreement_download: &'static str,
    pub agreement_failed_heading: &'static str,
    pub agreement_cancelled: &'static str,
    pub agreement_rejected: &'static str,
    pub agreement_timed_out: &'static str,
    /// Followed by the D-code in brackets.
    pub agreement_failed_with_code: &'static str,
    pub agreement_unusable_signature: &'static str,
    pub agreement_sign_again: &'static str,
    pub agreement_busy: &'static str,
    pub not_plus_heading: &'static str,
    pub not_plus_body: &'static str,
    pub not_plus_upgrade: &'static str,
    pub back_to_account: &'static str,
}

const ENGLISH: Words = Words {
    html_lang: "en",
    language_name: "English",
    bank_name: "Demo Bank",
    languages_label: "Language",
    welcome_heading: "Welcome to Demo Bank online banking",
    welcome_body: "Log in securely with iAM Smart, the one-stop personalised digital services platform \
                   of the Hong Kong Government. No password to remember.",
    demo_notice: "Demo Bank is a fictional bank in the iAM Smart Sandbox. Every account and person \
                  here is synthetic.",
    login_button: "Login with iAM Smart",
    more_info: "More info",
    more_info_url: "https://www.iamsmart.gov.hk/en/",
    signed_in_heading: "Signed in",
    signed_in_body: "You are signed in to Demo Bank with iAM Smart.",
    open_id_label: "openID",
    account_type_label: "Account type",
    scope_label: "Scope",
    token_expiry_label: "Signed in until",
    log_out: "Log out",
    open_account: "Open an account",
    iamsmart_name: "iAM Smart",
    iamsmart_plus_name: "iAM Smart+",
    error_heading: "The login did not complete",
    cancelled: "You cancelled the login.",
    rejected: "The login was rejected in the iAM Smart app.",
    timed_out: "The login request timed out before it was answered.",
    login_failed_with_code: "iAM Smart could not complete the login",
    state_mismatch: "This answer does not belong to a login started in this browser, so Demo Bank \
                     ignored it to keep your account safe. Please log in again.",
    missing_parameters: "The answer from iAM Smart was incomplete. Please log in again.",
    code_expired: "The login expired or was already used. Please log in again.",
    unreachable: "Demo Bank cannot reach iAM Smart at the moment. Please try again later.",
    something_went_wrong: "Something went wrong on our side. Please try again.",
    try_again: "Try again",
    footer: "Demo Bank — a reference online service of the iAM Smart Sandbox.",
    agreement_link: "Sign the account agreement",
    agreement_heading: "Account agreement",
    agreement_intro: "Before we open your account, please sign the account agreement. Demo Bank prepares \
                      it as a PDF document, and you sign it in the iAM Smart app with your iAM Smart+ \
                      signing certificate.",
    agreement_document_language: "The agreement document is in English.",
    sign_button: "Signing with iAM Smart",
    agreement_document_name: "Demo Bank account agreement",
    agreement_service_name: "Account opening",
    agreement_pending_heading: "Sign in the iAM Smart app",
    agreement_pending_body: "We have sent the agreement to your iAM Smart app. Check that the app shows \
                             this identification code, then approve to sign.",
    identification_code_label: "Identification code",
    agreement_pending_refresh: "This page updates by itself once you have answered.",
    agreement_check_now: "Check now",
    agreement_signed_heading: "Agreement signed",
    agreement_signed_body: "Thank you. Your account agreement is signed with your iAM Smart+ certificate.",
    agreement_download: "Download the signed agreement (PDF)",
    agreement_failed_heading: "The agreement was not signed",
    agreement_cancelled: "You cancelled the signing in the iAM Smart app.",
    agreement_rejected: "You rejected the signing request in the iAM Smart app.",
    agreement_timed_out: "The signing request timed out before it was answered.",
    agreement_failed_with_code: "iAM Smart could not sign the agreement",
    agreement_unusable_signature: "The signature from iAM Smart could not be added to the agreement.",
    agreement_sign_again: "Sign again",
    agreement_busy: "Demo Bank is handling too many signing requests at the moment. Please try again in a \
                     few minutes.",
    not_plus_heading: "Signing needs iAM Smart+",
    not_plus_body: "Your iAM Smart account can log in, but it cannot sign documents: digital signing needs \
                    iAM Smart+, which adds a personal signing certificate to your account.",
    not_plus_upgrade: "Upgrade to iAM Smart+ in the iAM Smart app or at an iAM Smart registration \
                       service counter, then log in to Demo Bank again to sign the agreement.",
    back_to_account: "Back to your account",
};

const TRADITIONAL_CHINESE: Words = Words {
    html_lang: "zh-HK",
    language_name: "繁體中文",
    bank_name: "示範銀行",
    languages_label: "語言",
    welcome_heading: "歡迎使用示範銀行網上理財",
    welcome_body: "以香港政府一站式個人化數碼服務平台「智方便」安全登入，無需記住密碼。",
    demo_notice: "示範銀行是「智方便」沙盒中的虛構銀行，所有帳戶及人物均為模擬資料。",
    login_button: "智方便登入",
    more_info: "了解更多",
    more_info_url: "https://www.iamsmart.gov.hk/tc/",
    signed_in_heading: "已登入",
    signed_in_body: "你已透過「智方便」登入示範銀行。",
    open_id_label: "openID",
    account_type_label: "帳戶類型",
    scope_label: "授權範圍",
    token_expiry_label: "登入有效至",
    log_out: "登出",
    open_account: "開立戶口",
    iamsmart_name: "智方便",
    iamsmart_plus_name: "智方便+",
    error_heading: "登入未能完成",
    cancelled: "你已取消登入。",
    rejected: "登入要求已在「智方便」流動應用程式被拒絕。",
    timed_out: "登入要求在回應前已逾時。",
    login_failed_with_code: "「智方便」未能完成登入",
    state_mismatch: "此回應並非屬於在此瀏覽器開始的登入，為保障你的帳戶安全，示範銀行已將其忽略。請重新登入。",
    missing_parameters: "「智方便」的回應不完整。請重新登入。",
    code_expired: "登入已過期或已被使用。請重新登入。",
    unreachable: "示範銀行暫時未能連接「智方便」。請稍後再試。",
    something_went_wrong: "我們的系統出現問題。請再試一次。",
    try_again: "再試一次",
    footer: "示範銀行 —「智方便」沙盒的參考網上服務。",
    agreement_link: "簽署開戶協議",
    agreement_heading: "開戶協議",
    agreement_intro: "開立帳戶前，請簽署開戶協議。示範銀行會把協議製成 PDF 文件，你可在「智方便」流動應用程式以「智方便+」簽署證書簽署。",
    agreement_document_language: "協議文件只有英文版本。",
    sign_button: "智方便數碼簽署",
    agreement_document_name: "示範銀行開戶協議",
    agreement_service_name: "開立帳戶",
    agreement_pending_heading: "請在「智方便」流動應用程式簽署",
    agreement_pending_body: "我們已把協議傳送到你的「智方便」流動應用程式。請確認應用程式顯示相同的識別碼，然後批准簽署。",
    identification_code_label: "識別碼",
    agreement_pending_refresh: "你回應後，此頁面會自動更新。",
    agreement_check_now: "立即查看",
    agreement_signed_heading: "協議已簽署",
    agreement_signed_body: "謝謝。你的開戶協議已以「智方便+」證書簽署。",
    agreement_download: "下載已簽署的協議（PDF）",
    agreement_failed_heading: "協議未能簽署",
    agreement_cancelled: "你已在「智方便」流動應用程式取消簽署。",
    agreement_rejected: "你已在「智方便」流動應用程式拒絕簽署要求。",
    agreement_timed_out: "簽署要求在回應前已逾時。",
    agreement_failed_with_code: "「智方便」未能簽署協議",
    agreement_unusable_signature: "未能把「智方便」的簽署加入協議。",
    agreement_sign_again: "再次簽署",
    agreement_busy: "示範銀行現正處理過多簽署要求。請數分鐘後再試。",
    not_plus_heading: "簽署需要「智方便+」",
    not_plus_body: "你的「智方便」帳戶可以登入，但不能簽署文件：數碼簽署需要「智方便+」，它會為你的帳戶加入個人簽署證書。",
    not_plus_upgrade: "請在「智方便」流動應用程式或「智方便」登記服務櫃位升級至「智方便+」，然後再次登入示範銀行簽署協議。",
    back_to_account: "返回你的帳戶",
};

const SIMPLIFIED_CHINESE: Words = Words {
    html_lang: "zh-CN",
    language_name: "简体中文",
    bank_name: "示范银行",
    languages_label: "语言",
    welcome_heading: "欢迎使用示范银行网上理财",
    welcome_body: "以香港政府一站式个人化数码服务平台「智方便」安全登录，无需记住密码。",
    demo_notice: "示范银行是「智方便」沙盒中的虚构银行，所有账户及人物均为模拟资料。",
    login_button: "智方便登录",
    more_info: "了解更多",
    more_info_url: "https://www.iamsmart.gov.hk/sc/",
    signed_in_heading: "已登录",
    signed_in_body: "你已通过「智方便」登录示范银行。",
    open_id_label: "openID",
    account_type_label: "账户类型",
    scope_label: "授权范围",
    token_expiry_label: "登录有效至",
    log_out: "登出",
    open_account: "开立账户",
    iamsmart_name: "智方便",
    iamsmart_plus_name: "智方便+",
    error_heading: "登录未能完成",
    cancelled: "你已取消登录。",
    rejected: "登录请求已在「智方便」流动应用程序被拒绝。",
    timed_out: "登录请求在回应前已超时。",
    login_failed_with_code: "「智方便」未能完成登录",
    state_mismatch: "此回应并非属于在此浏览器开始的登录，为保障你的账户安全，示范银行已将其忽略。请重新登录。",
    missing_parameters: "「智方便」的回应不完整。请重新登录。",
    code_expired: "登录已过期或已被使用。请重新登录。",
    unreachable: "示范银行暂时未能连接「智方便」。请稍后再试。",
    something_went_wrong: "我们的系统出现问题。请再试一次。",
    try_again: "再试一次",
    footer: "示范银行 —「智方便」沙盒的参考网上服务。",
    agreement_link: "签署开户协议",
    agreement_heading: "开户协议",
    agreement_intro: "开立账户前，请签署开户协议。示范银行会把协议制成 PDF 文件，你可在「智方便」流动应用程序以「智方便+」签署证书签署。",
    agreement_document_language: "协议文件只有英文版本。",
    sign_button: "智方便数码签署",
    agreement_document_name: "示范银行开户协议",
    agreement_service_name: "开立账户",
    agreement_pending_heading: "请在「智方便」流动应用程序签署",
    agreement_pending_body: "我们已把协议发送到你的「智方便」流动应用程序。请确认应用程序显示相同的识别码，然后批准签署。",
    identification_code_label: "识别码",
    agreement_pending_refresh: "你回应后，此页面会自动更新。",
    agreement_check_now: "立即查看",
    agreement_signed_heading: "协议已签署",
    agreement_signed_body: "谢谢。你的开户协议已以「智方便+」证书签署。",
    agreement_download: "下载已签署的协议（PDF）",
    agreement_failed_heading: "协议未能签署",
    agreement_cancelled: "你已在「智方便」流动应用程序取消签署。",
    agreement_rejected: "你已在「智方便」流动应用程序拒绝签署请求。",
    agreement_timed_out: "签署请求在回应前已超时。",
    agreement_failed_with_code: "「智方便」未能签署协议",
    agreement_unusable_signature: "未能把「智方便」的签署加入协议。",
    agreement_sign_again: "再次签署",
    agreement_busy: "示范银行现正处理过多签署请求。请数分钟后再试。",
    not_plus_heading: "签署需要「智方便+」",
    not_plus_body: "你的「智方便」账户可以登录，但不能签署文件：数码签署需要「智方便+」，它会为你的账户加入个人签署证书。",
    not_plus_upgrade: "请在「智方便」流动应用程序或「智方便」登记服务柜位升级至「智方便+」，然后再次登录示范银行签署协议。",
    back_to_account: "返回你的账户",
};

/// The strings for `lang`.
pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::EnUs => &ENGLISH,
        Lang::ZhHk => &TRADITIONAL_CHINESE,
        Lang::ZhCn => &SIMPLIFIED_CHINESE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_and_link_follow_the_branding_guideline_in_every_language() {
        assert_eq!(words(Lang::EnUs).login_button, "Login with iAM Smart");
        assert_eq!(words(Lang::ZhHk).login_button, "智方便登入");
        assert_eq!(words(Lang::ZhCn).login_button, "智方便登录");
        assert_eq!(words(Lang::EnUs).more_info, "More info");
        assert_eq!(words(Lang::ZhHk).more_info, "了解更多");
        assert_eq!(words(Lang::EnUs).sign_button, "Signing with iAM Smart");
        assert_eq!(words(Lang::ZhHk).sign_button, "智方便數碼簽署");
        assert_eq!(words(Lang::ZhCn).sign_button, "智方便数码签署");
        for (lang, path) in [
            (Lang::EnUs, "/en/"),
            (Lang::ZhHk, "/tc/"),
            (Lang::ZhCn, "/sc/"),
        ] {
            assert!(words(lang).more_info_url.ends_with(path));
        }
    }
}
