//! The console's refusal messages in English, 繁體中文 and 简体中文: every error the console backend answers with
//! (sign-up, sign-in, organisations, settings, RP keys, faults, maker/checker, members) as a `Localised` message,
//! from which the server function picks the visitor's language.
//!
//! The English text is the error's own `Display`, so logs, tests and the English console read the same words; the
//! Chinese texts sit beside it here, one `match` per error type, so a new variant without a translation is a
//! compile error. This module holds words only: it never decides the status or the language.

use portal_app::console::backend::Localised;

use crate::accounts::{MIN_PASSWORD_CHARS, SignInError, SignUpError};
use crate::faults::{FaultError, MAX_COUNT, MAX_DELAY_MS};
use crate::maker_checker::{DecisionError, MemberError};
use crate::orgs::{ALL_SCOPES, MAX_REDIRECT_URIS, OrgError, SettingsError};
use crate::rp_key::RpKeyError;

/// An error the console shows: its English `Display`, and the same in 繁體中文 and 简体中文.
pub(crate) trait InThreeLanguages: std::fmt::Display {
    /// `(繁體中文, 简体中文)`.
    fn chinese(&self) -> (String, String);

    fn localised(&self) -> Localised {
        let (zh_hk, zh_cn) = self.chinese();
        Localised::new(self.to_string(), zh_hk, zh_cn)
    }
}

fn both(zh_hk: &str, zh_cn: &str) -> (String, String) {
    (zh_hk.to_owned(), zh_cn.to_owned())
}

const DATABASE_UNAVAILABLE: (&str, &str) = (
    "入門網站的資料庫暫時無法使用，請稍後再試",
    "门户的数据库暂时无法使用，请稍后再试",
);

impl InThreeLanguages for SignUpError {
    fn chinese(&self) -> (String, String) {
        match self {
            SignUpError::InvalidEmail => both("請輸入有效的電郵地址", "请输入有效的电子邮件地址"),
            SignUpError::NameMissing => both("請輸入你的名字", "请输入你的名字"),
            SignUpError::WeakPassword => (
                format!("請使用最少 {MIN_PASSWORD_CHARS} 個字元的密碼"),
                format!("请使用至少 {MIN_PASSWORD_CHARS} 个字符的密码"),
            ),
            SignUpError::EmailTaken => both(
                "此電郵地址已有帳戶，請改為登入",
                "此电子邮件地址已有账户，请改为登录",
            ),
            SignUpError::Unavailable => both(DATABASE_UNAVAILABLE.0, DATABASE_UNAVAILABLE.1),
        }
    }
}

impl InThreeLanguages for SignInError {
    fn chinese(&self) -> (String, String) {
        match self {
            SignInError::Invalid => both("電郵地址或密碼不正確", "电子邮件地址或密码不正确"),
            SignInError::RateLimited {
                retry_after_minutes,
            } => (
                format!("登入失敗次數過多，請於 {retry_after_minutes} 分鐘後再試"),
                format!("登录失败次数过多，请在 {retry_after_minutes} 分钟后再试"),
            ),
            SignInError::Unavailable => both(DATABASE_UNAVAILABLE.0, DATABASE_UNAVAILABLE.1),
        }
    }
}

impl InThreeLanguages for OrgError {
    fn chinese(&self) -> (String, String) {
        match self {
            OrgError::InvalidName => both(
                "請輸入 1 至 100 個字元的名稱",
                "请输入 1 至 100 个字符的名称",
            ),
            OrgError::NotFound => both("找不到", "未找到"),
            OrgError::Forbidden => both(
                "你在此機構的角色不允許此操作",
                "你在此机构的角色不允许此操作",
            ),
            OrgError::Unavailable => both(
                "入門網站的資料庫或沙盒執行環境暫時無法使用，請稍後再試",
                "门户的数据库或沙盒运行环境暂时无法使用，请稍后再试",
            ),
        }
    }
}

impl InThreeLanguages for SettingsError {
    fn chinese(&self) -> (String, String) {
        match self {
            SettingsError::BadRedirectUri(line) => (
                format!("第 {line} 個重新導向網址不是不含片段（#）的完整 http(s) 網址"),
                format!("第 {line} 个重定向网址不是不含片段（#）的完整 http(s) 网址"),
            ),
            SettingsError::TooManyRedirectUris => (
                format!("最多 {MAX_REDIRECT_URIS} 個重新導向網址"),
                format!("最多 {MAX_REDIRECT_URIS} 个重定向网址"),
            ),
            SettingsError::BadCodeLifetime => both(
                "授權碼有效期須為 5 至 600 秒",
                "授权码有效期须为 5 至 600 秒",
            ),
            SettingsError::UnknownPersona => both(
                "自動回應須為此沙盒的其中一個測試身分",
                "自动回应须为此沙盒的其中一个测试身份",
            ),
            SettingsError::BadTimeOffset => both(
                "時間旅行只可向前 0 至 366 日",
                "时间旅行只可向前 0 至 366 天",
            ),
            SettingsError::NoScopes => both("請授予最少一個權限範圍", "请授予至少一个权限范围"),
            SettingsError::UnknownScope(scope) => (
                format!(
                    "{scope} 不是此沙盒認識的權限範圍；請從以下選擇：{}",
                    ALL_SCOPES.join(", ")
                ),
                format!(
                    "{scope} 不是此沙盒认识的权限范围；请从以下选择：{}",
                    ALL_SCOPES.join(", ")
                ),
            ),
            SettingsError::RpKey(error) => error.chinese(),
        }
    }
}

impl InThreeLanguages for RpKeyError {
    fn chinese(&self) -> (String, String) {
        match self {
            RpKeyError::NotPem => both(
                "請貼上 PEM 公鑰（-----BEGIN PUBLIC KEY-----）或 X.509 證書（-----BEGIN CERTIFICATE-----）",
                "请粘贴 PEM 公钥（-----BEGIN PUBLIC KEY-----）或 X.509 证书（-----BEGIN CERTIFICATE-----）",
            ),
            RpKeyError::PrivateKey => both(
                "這是私鑰：只可上載公鑰或證書，私鑰請自行保管",
                "这是私钥：只可上传公钥或证书，私钥请自行保管",
            ),
            RpKeyError::BadCertificate => both(
                "無法把此證書讀作 PEM 編碼的 X.509 證書",
                "无法把此证书读作 PEM 编码的 X.509 证书",
            ),
            RpKeyError::NotRsa => both(
                "此密鑰不是 RSA 公鑰；iAM Smart 以 RSA-2048 包裝內容密鑰",
                "此密钥不是 RSA 公钥；iAM Smart 以 RSA-2048 包装内容密钥",
            ),
            RpKeyError::WrongSize(bits) => (
                format!("此密鑰為 RSA-{bits}；iAM Smart 需要 RSA-2048 密鑰"),
                format!("此密钥为 RSA-{bits}；iAM Smart 需要 RSA-2048 密钥"),
            ),
            RpKeyError::TooLarge => both("上載的內容超過 16 KiB", "上传的内容超过 16 KiB"),
        }
    }
}

impl InThreeLanguages for FaultError {
    fn chinese(&self) -> (String, String) {
        match self {
            FaultError::UnknownPath => both(
                "請選擇此沙盒的 API 路徑，或選「任何」",
                "请选择此沙盒的 API 路径，或选“任何”",
            ),
            FaultError::UnknownCode => both(
                "請選擇已知的 D 代碼，或不選代碼只加延遲",
                "请选择已知的 D 代码，或不选代码只加延迟",
            ),
            FaultError::CountOutOfRange => (
                format!("受影響的請求須為 1 至 {MAX_COUNT} 個"),
                format!("受影响的请求须为 1 至 {MAX_COUNT} 个"),
            ),
            FaultError::DelayOutOfRange => (
                format!("延遲須為 0 至 {MAX_DELAY_MS} 毫秒，並須注入代碼或延遲"),
                format!("延迟须为 0 至 {MAX_DELAY_MS} 毫秒，并须注入代码或延迟"),
            ),
        }
    }
}

impl InThreeLanguages for DecisionError {
    fn chinese(&self) -> (String, String) {
        match self {
            DecisionError::OwnProposal => both(
                "此更改由你提出，須由另一位審批者決定",
                "此更改由你提出，须由另一位审批者决定",
            ),
            DecisionError::AlreadyDecided => both("此更改已有決定", "此更改已有决定"),
            DecisionError::Stale => both(
                "提出此更改後沙盒已有變動，批准它可能會還原提出者未見過的更改；請拒絕並重新提出",
                "提出此更改后沙盒已有变动，批准它可能会还原提出者未见过的更改；请拒绝并重新提出",
            ),
        }
    }
}

impl InThreeLanguages for MemberError {
    fn chinese(&self) -> (String, String) {
        match self {
            MemberError::NoAccount => both(
                "沒有入門網站帳戶使用此電郵地址；請對方先註冊，然後再加入",
                "没有门户账户使用此电子邮件地址；请对方先注册，然后再添加",
            ),
        }
    }
}

/// "choose the role creator or approver", for a role the form cannot have sent.
pub(crate) fn unknown_role() -> Localised {
    Localised::new(
        "choose the role creator or approver",
        "請選擇角色：建立者或審批者",
        "请选择角色：创建者或审批者",
    )
}

#[cfg(test)]
mod tests {
    use portal_app::i18n::Lang;

    use super::*;

    #[test]
    fn every_refusal_reads_the_same_in_english_and_has_both_chinese_texts() {
        let refusals: Vec<Localised> = vec![
            SignUpError::WeakPassword.localised(),
            SignInError::RateLimited {
                retry_after_minutes: 15,
            }
            .localised(),
            OrgError::NotFound.localised(),
            SettingsError::UnknownScope("eidapi_x".to_owned()).localised(),
            SettingsError::RpKey(RpKeyError::WrongSize(1024)).localised(),
            FaultError::CountOutOfRange.localised(),
            DecisionError::Stale.localised(),
            MemberError::NoAccount.localised(),
            unknown_role(),
        ];
        for refusal in refusals {
            assert!(!refusal.in_lang(Lang::En).is_empty());
            assert_ne!(refusal.in_lang(Lang::ZhHk), refusal.in_lang(Lang::En));
            assert_ne!(refusal.in_lang(Lang::ZhCn), refusal.in_lang(Lang::En));
            assert_ne!(refusal.in_lang(Lang::ZhHk), refusal.in_lang(Lang::ZhCn));
        }
        let rate_limited = SignInError::RateLimited {
            retry_after_minutes: 15,
        }
        .localised();
        assert_eq!(
            rate_limited.in_lang(Lang::En),
            "too many failed sign-ins; try again in 15 minutes"
        );
        assert!(rate_limited.in_lang(Lang::ZhHk).contains("15 分鐘"));
        assert!(rate_limited.in_lang(Lang::ZhCn).contains("15 分钟"));
        let wrong_size = SettingsError::RpKey(RpKeyError::WrongSize(1024)).localised();
        assert!(wrong_size.in_lang(Lang::ZhHk).contains("RSA-1024"));
    }
}
