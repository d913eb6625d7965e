//! The words of the virtual phone's signing screens (hash and PDF signing, authenticated and anonymous) in
//! English, Traditional Chinese and Simplified Chinese, following iAM Smart's own wording where it has one
//! (PROTOCOL §10: "Signing with iAM Smart" / 智方便數碼簽署). Words only: this module never builds HTML.

use mock_iamsmart::Lang;

/// The signing screens' words in one language.
pub struct SigningText {
    pub title: &'static str,
    pub kind_label: &'static str,
    pub kind_pdf: &'static str,
    pub kind_hash: &'static str,
    pub document_label: &'static str,
    pub document_unnamed: &'static str,
    pub department_label: &'static str,
    pub service_label: &'static str,
    pub digest_label: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub anonymous_note: &'static str,
    pub not_your_request: &'static str,
    pub approve: &'static str,
    pub confirm_title: &'static str,
    pub done_signed: &'static str,
    pub done_rejected: &'static str,
    pub done_cancelled: &'static str,
    pub done_failed: &'static str,
    pub done_timed_out: &'static str,
}

impl SigningText {
    pub fn of(lang: Lang) -> &'static SigningText {
        match lang {
            Lang::EnUs => &EN,
            Lang::ZhHk => &ZH_HK,
            Lang::ZhCn => &ZH_CN,
        }
    }
}

static EN: SigningText = SigningText {
    title: "Signing with iAM Smart",
    kind_label: "What you sign",
    kind_pdf: "A PDF document",
    kind_hash: "A document's hash",
    document_label: "Document",
    document_unnamed: "(the online service gave no name)",
    department_label: "Department",
    service_label: "Service",
    digest_label: "Hash being signed",
    code_label: "Identification code",
    code_hint: "Sign only if the online service shows the same code.",
    anonymous_note: "You are not logged in to this online service: it checks that the signer's HKID is the one it expects.",
    not_your_request: "This request is for the iAM Smart user logged in to the online service. Switch persona to answer it.",
    approve: "Approve and sign",
    confirm_title: "Confirm it is you to sign",
    done_signed: "Signed. The online service has received your signature.",
    done_rejected: "Rejected. Nothing was signed, and the online service has been told.",
    done_cancelled: "Cancelled. Nothing was signed, and the online service has been told.",
    done_failed: "The signature could not be made (the signing certificate may be revoked or expired). The online service has been told.",
    done_timed_out: "This signing request has timed out. Nothing was signed.",
};

static ZH_HK: SigningText = SigningText {
    title: "智方便數碼簽署",
    kind_label: "簽署內容",
    kind_pdf: "PDF 文件",
    kind_hash: "文件的雜湊值",
    document_label: "文件",
    document_unnamed: "（網上服務未提供名稱）",
    department_label: "部門",
    service_label: "服務",
    digest_label: "待簽署的雜湊值",
    code_label: "識別碼",
    code_hint: "請確認網上服務顯示相同的識別碼後才簽署。",
    anonymous_note: "你並未登入此網上服務：服務會核對簽署人的香港身份證號碼是否相符。",
    not_your_request: "此請求屬於已登入網上服務的智方便用戶。請切換角色以回應。",
    approve: "批准並簽署",
    confirm_title: "確認是你本人以進行簽署",
    done_signed: "已簽署，網上服務已收到你的簽署。",
    done_rejected: "已拒絕，沒有簽署任何內容，網上服務已獲通知。",
    done_cancelled: "已取消，沒有簽署任何內容，網上服務已獲通知。",
    done_failed: "未能簽署（簽署證書可能已被撤銷或已過期），網上服務已獲通知。",
    done_timed_out: "此簽署請求已逾時，沒有簽署任何內容。",
};

static ZH_CN: SigningText = SigningText {
    title: "智方便数码签署",
    kind_label: "签署内容",
    kind_pdf: "PDF 文件",
    kind_hash: "文件的哈希值",
    document_label: "文件",
    document_unnamed: "（网上服务未提供名称）",
    department_label: "部门",
    service_label: "服务",
    digest_label: "待签署的哈希值",
    code_label: "识别码",
    code_hint: "请确认网上服务显示相同的识别码后才签署。",
    anonymous_note: "你并未登录此网上服务：服务会核对签署人的香港身份证号码是否相符。",
    not_your_request: "此请求属于已登录网上服务的智方便用户。请切换角色以回应。",
    approve: "批准并签署",
    confirm_title: "确认是你本人以进行签署",
    done_signed: "已签署，网上服务已收到你的签署。",
    done_rejected: "已拒绝，没有签署任何内容，网上服务已获通知。",
    done_cancelled: "已取消，没有签署任何内容，网上服务已获通知。",
    done_failed: "未能签署（签署证书可能已被撤销或已过期），网上服务已获通知。",
    done_timed_out: "此签署请求已超时，没有签署任何内容。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_title_follows_the_branding_guideline_in_every_language() {
        let titles: Vec<&str> = [Lang::EnUs, Lang::ZhHk, Lang::ZhCn]
            .iter()
            .map(|lang| SigningText::of(*lang).title)
            .collect();
        assert_eq!(
            titles,
            ["Signing with iAM Smart", "智方便數碼簽署", "智方便数码签署"]
        );
    }
}
