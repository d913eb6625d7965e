//! Every word of the broker page and the virtual phone, in English, Traditional Chinese (Hong Kong) and
//! Simplified Chinese, following iAM Smart's own wording where it has one (PROTOCOL §10: "Login with
//! iAM Smart" / 智方便登入, "Open iAM Smart" / 開啟智方便, "More info" / 了解更多).
//!
//! One `Words` struct per language, so a missing translation is a compile error. This module must
//! never build HTML; the pages do.

use mock_iamsmart::{DCode, Lang};

pub mod personas;
pub mod signing;

/// The texts of the login pages in one language.
pub struct Words {
    pub html_lang: &'static str,
    pub brand: &'static str,
    pub login_title: &'static str,
    pub scan_instruction: &'static str,
    pub open_app_instruction: &'static str,
    pub open_app_button: &'static str,
    pub no_app_hint: &'static str,
    pub open_virtual_phone: &'static str,
    pub expires_in: &'static str,
    pub refresh_qr: &'static str,
    pub waiting: &'static str,
    pub redirecting: &'static str,
    pub expired: &'static str,
    pub poll_trouble: &'static str,
    pub more_info: &'static str,
    pub more_info_url: &'static str,
    pub ticket_label: &'static str,
    pub sandbox_notice: &'static str,
    pub noscript: &'static str,
    pub error_title: &'static str,
    pub error_detail: &'static str,
    pub error_hint: &'static str,
    pub requested_by: &'static str,
    // The virtual phone.
    pub phone_title: &'static str,
    pub phone_pick_persona: &'static str,
    pub phone_pick_hint: &'static str,
    pub phone_signed_in_as: &'static str,
    pub phone_switch_persona: &'static str,
    pub phone_pending_title: &'static str,
    pub phone_no_pending: &'static str,
    pub phone_scopes_title: &'static str,
    pub phone_approve: &'static str,
    pub phone_reject: &'static str,
    pub phone_cancel: &'static str,
    pub phone_skip_timeout: &'static str,
    pub phone_skip_hint: &'static str,
    pub phone_confirm_title: &'static str,
    pub phone_pin_label: &'static str,
    pub phone_pin_hint: &'static str,
    pub phone_pin_invalid: &'static str,
    pub phone_confirm_pin: &'static str,
    pub phone_use_biometrics: &'static str,
    pub phone_done_approved: &'static str,
    pub phone_done_rejected: &'static str,
    pub phone_done_cancelled: &'static str,
    pub phone_done_timed_out: &'static str,
    pub phone_done_failed: &'static str,
    pub phone_return_to_browser: &'static str,
    pub phone_back_home: &'static str,
    pub phone_unknown_sandbox: &'static str,
    pub user_type_default: &'static str,
    pub user_type_sign: &'static str,
    pub persona_suspended: &'static str,
    pub persona_auto_approve: &'static str,
    pub persona_auto_reject: &'static str,
    pub persona_no_answer: &'static str,
}

impl Words {
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::EnUs => &EN,
            Lang::ZhHk => &ZH_HK,
            Lang::ZhCn => &ZH_CN,
        }
    }

    /// The one of three texts that is in this language.
    fn pick(&self, en: &'static str, zh_hk: &'static str, zh_cn: &'static str) -> &'static str {
        match self.html_lang {
            "en" => en,
            "zh-HK" => zh_hk,
            _ => zh_cn,
        }
    }

    /// A short title for a D-code the pages show; the protocol's own message is shown beside it.
    pub fn code_title(&self, code: DCode) -> &'static str {
        let pick = |en, zh_hk, zh_cn| self.pick(en, zh_hk, zh_cn);
        match code {
            DCode::ParameterMissing => pick(
                "A required parameter is missing",
                "缺少必要參數",
                "缺少必要参数",
            ),
            DCode::EmptyParameter => pick("A parameter is empty", "參數為空", "参数为空"),
            DCode::InvalidParameter => pick("A parameter is invalid", "參數無效", "参数无效"),
            DCode::UnsupportedSource => pick(
                "This source is not supported",
                "不支援此來源",
                "不支持此来源",
            ),
            DCode::InvalidServiceUrl => pick(
                "The redirect URI is not registered for this online service",
                "此重新導向網址未為該網上服務登記",
                "此重定向网址未为该网上服务登记",
            ),
            DCode::ScopeMismatch => pick(
                "The online service is not approved for this scope",
                "網上服務未獲批准使用此範圍",
                "网上服务未获批准使用此范围",
            ),
            DCode::AuthorisationFailed => pick(
                "Unknown online service (client ID)",
                "未知的網上服務（客戶端編號）",
                "未知的网上服务（客户端编号）",
            ),
            DCode::AuthenticationTimeout => {
                pick("The request has timed out", "請求已逾時", "请求已超时")
            }
            DCode::AccountSuspended => pick(
                "This iAM Smart account is suspended",
                "此智方便帳戶已暫停",
                "此智方便账户已暂停",
            ),
            DCode::DuplicatedRequest => pick(
                "This request has already been answered",
                "此請求已獲回應",
                "此请求已获回应",
            ),
            _ => pick(
                "The request could not be processed",
                "無法處理請求",
                "无法处理请求",
            ),
        }
    }

    /// What a scope lets the online service do, in the user's words.
    pub fn scope_description(&self, scope: &str) -> String {
        let pick = |en, zh_hk, zh_cn| self.pick(en, zh_hk, zh_cn).to_owned();
        match scope {
            "eidapi_auth" => pick("Log you in", "為你登入", "为你登录"),
            "eidapi_profiles" => pick(
                "Read your personal profile",
                "讀取你的個人資料",
                "读取你的个人资料",
            ),
            "eidapi_formFilling" => pick(
                "Fill in forms with your e-ME data",
                "以「e-ME」資料填寫表格",
                "以「e-ME」资料填写表格",
            ),
            "eidapi_sign" => pick("Sign documents", "簽署文件", "签署文件"),
            "eidapi_fr" => pick(
                "Re-authenticate you",
                "重新認證你的身分",
                "重新认证你的身份",
            ),
            "eidapi_bulksign" => pick("Sign in bulk", "批量簽署", "批量签署"),
            other => other.to_owned(),
        }
    }
}

static EN: Words = Words {
    html_lang: "en",
    brand: "iAM Smart",
    login_title: "Login with iAM Smart",
    scan_instruction: "Open the iAM Smart app on your phone and scan this QR code.",
    open_app_instruction: "Continue in the iAM Smart app on this phone.",
    open_app_button: "Open iAM Smart",
    no_app_hint: "No test app on this device?",
    open_virtual_phone: "Open the virtual iAM Smart phone",
    expires_in: "This QR code expires in",
    refresh_qr: "Refresh QR code",
    waiting: "Waiting for your answer in the app…",
    redirecting: "Done. Taking you back to the online service…",
    expired: "The request has timed out.",
    poll_trouble: "Cannot reach the sandbox; retrying…",
    more_info: "More info",
    more_info_url: "https://www.iamsmart.gov.hk/en/",
    ticket_label: "Ticket ID",
    sandbox_notice: "iAM Smart Sandbox — synthetic identities only. This is not the real iAM Smart.",
    noscript: "Turn on JavaScript so this page can follow your answer; or answer on the virtual phone and reload.",
    error_title: "The login request is not valid",
    error_detail: "Details for the developer",
    error_hint: "Return to the online service and try again. If this keeps happening, the online service's request needs fixing.",
    requested_by: "Requested by",
    phone_title: "Virtual iAM Smart phone",
    phone_pick_persona: "Who is using this phone?",
    phone_pick_hint: "Pick a synthetic persona of this sandbox to sign in to the app.",
    phone_signed_in_as: "Signed in as",
    phone_switch_persona: "Switch persona",
    phone_pending_title: "Waiting for you",
    phone_no_pending: "No requests waiting. Start a login on the online service, or scan its QR code.",
    phone_scopes_title: "It asks to",
    phone_approve: "Approve",
    phone_reject: "Reject",
    phone_cancel: "Cancel",
    phone_skip_timeout: "Skip to timeout",
    phone_skip_hint: "Or do nothing: the request times out by itself.",
    phone_confirm_title: "Confirm it is you",
    phone_pin_label: "6-digit PIN",
    phone_pin_hint: "Any six digits work in the sandbox.",
    phone_pin_invalid: "Enter exactly six digits.",
    phone_confirm_pin: "Confirm with PIN",
    phone_use_biometrics: "Use fingerprint / face",
    phone_done_approved: "Approved. You are logged in to the online service.",
    phone_done_rejected: "Rejected. The online service has been told.",
    phone_done_cancelled: "Cancelled. The online service has been told.",
    phone_done_timed_out: "This request has timed out.",
    phone_done_failed: "Something went wrong in the app. The online service has been told.",
    phone_return_to_browser: "You can return to your browser.",
    phone_back_home: "Back to requests",
    phone_unknown_sandbox: "There is no sandbox with this client ID.",
    user_type_default: "iAM Smart",
    user_type_sign: "iAM Smart+ (can sign)",
    persona_suspended: "suspended account",
    persona_auto_approve: "answers by itself: always approves",
    persona_auto_reject: "answers by itself: always rejects",
    persona_no_answer: "answers by itself: never answers",
};

static ZH_HK: Words = Words {
    html_lang: "zh-HK",
    brand: "智方便",
    login_title: "智方便登入",
    scan_instruction: "請在手機開啟「智方便」應用程式，掃描此二維碼。",
    open_app_instruction: "請在此手機的「智方便」應用程式繼續。",
    open_app_button: "開啟智方便",
    no_app_hint: "此裝置沒有測試應用程式？",
    open_virtual_phone: "開啟虛擬智方便手機",
    expires_in: "此二維碼將於以下時間後失效",
    refresh_qr: "重新產生二維碼",
    waiting: "正在等待你在應用程式中回應……",
    redirecting: "完成，正返回網上服務……",
    expired: "請求已逾時。",
    poll_trouble: "無法連接沙盒，正在重試……",
    more_info: "了解更多",
    more_info_url: "https://www.iamsmart.gov.hk/tc/",
    ticket_label: "請求編號",
    sandbox_notice: "智方便沙盒 — 只使用虛構身分，並非真正的智方便。",
    noscript: "請啟用 JavaScript，讓此頁面跟進你的回應；或在虛擬手機回應後重新載入。",
    error_title: "登入請求無效",
    error_detail: "開發人員參考資料",
    error_hint: "請返回網上服務再試。如問題持續，網上服務的請求需要修正。",
    requested_by: "申請者",
    phone_title: "虛擬智方便手機",
    phone_pick_persona: "誰在使用這部手機？",
    phone_pick_hint: "選擇此沙盒的一個虛構角色登入應用程式。",
    phone_signed_in_as: "已登入：",
    phone_switch_persona: "切換角色",
    phone_pending_title: "待你回應",
    phone_no_pending: "沒有待處理的請求。請在網上服務開始登入，或掃描其二維碼。",
    phone_scopes_title: "要求的權限",
    phone_approve: "批准",
    phone_reject: "拒絕",
    phone_cancel: "取消",
    phone_skip_timeout: "直接逾時",
    phone_skip_hint: "或不作回應：請求會自行逾時。",
    phone_confirm_title: "確認是你本人",
    phone_pin_label: "6 位數字密碼",
    phone_pin_hint: "沙盒接受任何六位數字。",
    phone_pin_invalid: "請輸入六位數字。",
    phone_confirm_pin: "以密碼確認",
    phone_use_biometrics: "使用指紋／面容",
    phone_done_approved: "已批准，你已登入網上服務。",
    phone_done_rejected: "已拒絕，網上服務已獲通知。",
    phone_done_cancelled: "已取消，網上服務已獲通知。",
    phone_done_timed_out: "此請求已逾時。",
    phone_done_failed: "應用程式出現問題，網上服務已獲通知。",
    phone_return_to_browser: "你可以返回瀏覽器。",
    phone_back_home: "返回請求列表",
    phone_unknown_sandbox: "沒有使用此客戶端編號的沙盒。",
    user_type_default: "智方便",
    user_type_sign: "智方便+（可簽署）",
    persona_suspended: "已暫停的帳戶",
    persona_auto_approve: "自動回應：一律批准",
    persona_auto_reject: "自動回應：一律拒絕",
    persona_no_answer: "自動回應：從不回應",
};

static ZH_CN: Words = Words {
    html_lang: "zh-CN",
    brand: "智方便",
    login_title: "智方便登录",
    scan_instruction: "请在手机打开「智方便」应用程序，扫描此二维码。",
    open_app_instruction: "请在此手机的「智方便」应用程序继续。",
    open_app_button: "打开智方便",
    no_app_hint: "此设备没有测试应用程序？",
    open_virtual_phone: "打开虚拟智方便手机",
    expires_in: "此二维码将于以下时间后失效",
    refresh_qr: "重新生成二维码",
    waiting: "正在等待你在应用程序中回应……",
    redirecting: "完成，正在返回网上服务……",
    expired: "请求已超时。",
    poll_trouble: "无法连接沙盒，正在重试……",
    more_info: "了解更多",
    more_info_url: "https://www.iamsmart.gov.hk/sc/",
    ticket_label: "请求编号",
    sandbox_notice: "智方便沙盒 — 只使用虚构身份，并非真正的智方便。",
    noscript: "请启用 JavaScript，让此页面跟进你的回应；或在虚拟手机回应后重新加载。",
    error_title: "登录请求无效",
    error_detail: "开发人员参考资料",
    error_hint: "请返回网上服务再试。如问题持续，网上服务的请求需要修正。",
    requested_by: "申请者",
    phone_title: "虚拟智方便手机",
    phone_pick_persona: "谁在使用这部手机？",
    phone_pick_hint: "选择此沙盒的一个虚构角色登录应用程序。",
    phone_signed_in_as: "已登录：",
    phone_switch_persona: "切换角色",
    phone_pending_title: "待你回应",
    phone_no_pending: "没有待处理的请求。请在网上服务开始登录，或扫描其二维码。",
    phone_scopes_title: "要求的权限",
    phone_approve: "批准",
    phone_reject: "拒绝",
    phone_cancel: "取消",
    phone_skip_timeout: "直接超时",
    phone_skip_hint: "或不作回应：请求会自行超时。",
    phone_confirm_title: "确认是你本人",
    phone_pin_label: "6 位数字密码",
    phone_pin_hint: "沙盒接受任何六位数字。",
    phone_pin_invalid: "请输入六位数字。",
    phone_confirm_pin: "以密码确认",
    phone_use_biometrics: "使用指纹／面容",
    phone_done_approved: "已批准，你已登录网上服务。",
    phone_done_rejected: "已拒绝，网上服务已获通知。",
    phone_done_cancelled: "已取消，网上服务已获通知。",
    phone_done_timed_out: "此请求已超时。",
    phone_done_failed: "应用程序出现问题，网上服务已获通知。",
    phone_return_to_browser: "你可以返回浏览器。",
    phone_back_home: "返回请求列表",
    phone_unknown_sandbox: "没有使用此客户端编号的沙盒。",
    user_type_default: "智方便",
    user_type_sign: "智方便+（可签署）",
    persona_suspended: "已暂停的账户",
    persona_auto_approve: "自动回应：一律批准",
    persona_auto_reject: "自动回应：一律拒绝",
    persona_no_answer: "自动回应：从不回应",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_own_button_text_and_more_info_link() {
        let buttons: Vec<&str> = [Lang::EnUs, Lang::ZhHk, Lang::ZhCn]
            .iter()
            .map(|lang| Words::of(*lang).login_title)
            .collect();
        assert_eq!(
            buttons,
            ["Login with iAM Smart", "智方便登入", "智方便登录"]
        );
        assert!(Words::of(Lang::ZhCn).more_info_url.ends_with("/sc/"));
        assert_eq!(
            Words::of(Lang::ZhHk).code_title(DCode::InvalidServiceUrl),
            "此重新導向網址未為該網上服務登記"
        );
        assert_eq!(
            Words::of(Lang::EnUs).scope_description("eidapi_auth"),
            "Log you in"
        );
    }
}
