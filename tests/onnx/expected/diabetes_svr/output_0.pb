oBvariableJ¼PµŽCÅMjCC$ÚBaÁ4ClëoC³ÀBÖxCô}C6?C;íFCb_:C/ÚBÝð­B v•Cú}BIÍCíÞ€Bvm	C² €CøC1Cß¡CÆ«CUîBXÕJC3`CRÆC0#BK-C²C¡KC?BÑ÷CìCCÄ¼ÍB=ECl CàjîBÀçÙB>yFCçÍBÚ/C{˜öB(SCÔëCž'¤BŒ2ðB2kïBüo¯B\$sCqóB®3OBº±%C`ßCT,{CL“8C‘’7Cž+ÃBê·ÇBÑã[C
’hCw¤C"ÄòBE§Bðª†CcCÞI¹Bªé†CA‹RC,„ûBü{WB'!CË­œBÅiÉB¦–±B˜4CÍ›B¦hCô½€Cå²'CcîBŸuCN¨XBÌÇkC©õ®B±™ËBÛöúBåC~gÿBy !CÜÂÚBØá¥BÆ`B
K7CrD¼Bv_²B>ügC—ìMCYI¨B1Cj–.CêC‘‡|C,2ªBži“C³ðBº
bCvmC„C£:ŸB3=XC